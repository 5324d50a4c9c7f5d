"""The static site (``tools/render_html.py``) in a real browser, served from 127.0.0.1, offline.

The pages are self-contained: widgets are static snapshots of their saved state, and no page
loads RequireJS, MathJax, a widget manager or anything else from the network. These tests
never use the network: every request leaving 127.0.0.1 is aborted and listed in the summary,
and none may happen at all. A page must show no console or page errors, at least one
``<img>`` per stored PNG (cell outputs, and Output widgets inside the shown widget views), one
snapshot per stored widget view, and the index's links must open.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from .lab import LESSONS, LOCAL_HOSTS, REPO, WIDGET_VIEW, lesson_paths, stored_widget_views

RENDER = REPO / "tools" / "render_html.py"
FIGURES = ("image/png", "image/jpeg")  # stored as base64, shown as <img> on the page
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MODEL_REF = re.compile(r"IPY_MODEL_(\w+)")
BLOCKED_LOAD = "Failed to load resource: net::ERR_FAILED"

pytestmark = pytest.mark.browser


@dataclass
class PageReport:
    """What one static page did in the browser (for the terminal summary)."""

    name: str
    figures: int = 0
    snapshots: int = 0
    blocked: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"site/{self.name}: {self.figures} figures, {self.snapshots} widget snapshots shown"]
        return "\n".join(lines + [f"    blocked (needs the network): {url}" for url in self.blocked])


def _shown_models(state: dict, model_ids: list[str]) -> set[str]:
    """Every model reachable from ``model_ids``: references in a model's state (children,
    layout, style) and widget views stored in an Output widget's outputs."""
    seen: set[str] = set()
    todo = list(model_ids)
    while todo:
        model_id = todo.pop()
        if model_id in seen or model_id not in state:
            continue
        seen.add(model_id)
        model = state[model_id]["state"]
        todo += MODEL_REF.findall(json.dumps(model))
        todo += [o["data"][WIDGET_VIEW]["model_id"] for o in model.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    return seen


def stored_figures(path) -> int:
    """Figures stored as cell outputs plus those in the Output widgets the cells show.

    Output widgets the notebook never shows (no view reaches them) do not count: JupyterLab
    would not show them either.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    views = [o["data"][WIDGET_VIEW]["model_id"] for o in outputs if WIDGET_VIEW in o.get("data", {})]
    state = notebook["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model_id in _shown_models(state, views):
        outputs += state[model_id]["state"].get("outputs", []) if state[model_id]["model_name"] == "OutputModel" else []
    return sum(
        1 for output in outputs
        if any(mime in output.get("data", {}) for mime in FIGURES) and WIDGET_VIEW not in output.get("data", {})
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the browser's own checks report what went wrong


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, str(RENDER), "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=600
    )
    assert result.returncode == 0, f"tools/render_html.py failed:\n{result.stdout}\n{result.stderr}"
    return out


@contextlib.contextmanager
def serving(folder):
    """Serve ``folder`` over HTTP on 127.0.0.1 at a random port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site_url(site):
    with serving(site) as url:
        yield url


def _open_offline(browser_context, url: str, report: PageReport):
    """Open ``url`` with every off-machine request aborted; return the page and its errors."""
    page = browser_context.new_page()
    errors: list[str] = []

    def route(route) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            report.blocked.append(route.request.url)
            route.abort()

    def on_console(message) -> None:
        # The one filter: the load failures of the very requests this test aborted, which are
        # the test's offline rule, not a fault of the page (and are reported as blocked).
        blocked_here = message.text == BLOCKED_LOAD and message.location.get("url") in report.blocked
        if message.type == "error" and not blocked_here:
            errors.append(f"console error: {message.text} ({message.location.get('url') or 'inline script'})")

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught page error: {error}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors


@pytest.mark.parametrize("lesson", lesson_paths(), ids=lambda path: path.stem)
def test_each_rendered_lesson_page_shows_its_figures_and_widget_snapshots_offline_without_errors(
    lesson, site, site_url, browser_context, screenshot_dir, browser_reports
):
    report = PageReport(f"{lesson.stem}.html")
    page, errors = _open_offline(browser_context, f"{site_url}/{lesson.stem}.html", report)
    try:
        report.figures = page.evaluate("() => [...document.images].filter((i) => i.naturalWidth > 0).length")
        report.snapshots = page.locator(".mlab-snapshot").count()
        notes = page.locator(".mlab-snapshot > .mlab-note").filter(has_text="Static snapshot").count()
        live_views = page.locator(f'script[type="{WIDGET_VIEW}"]').count()
        shot = screenshot_dir / f"site-{lesson.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    browser_reports.append(report)
    where = f"\n{report.summary()}\nscreenshot: {shot}"
    assert report.blocked == [], "the page asked for something off this machine" + where
    assert errors == [], "\n".join(errors) + where
    assert report.figures >= stored_figures(lesson), f"figures shown vs stored in {lesson.name}" + where
    assert report.snapshots == notes == stored_widget_views(lesson), f"snapshots vs stored views in {lesson.name}" + where
    assert live_views == 0, "a widget view was left for a widget manager that the page does not load" + where


def test_the_site_index_links_every_lesson_page_and_each_link_opens(site, site_url, browser_context, browser_reports):
    report = PageReport("index.html")
    page, errors = _open_offline(browser_context, f"{site_url}/index.html", report)
    try:
        links = page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.getAttribute('href'))")
        statuses = {href: page.request.get(f"{site_url}/{href}").status for href in links}
    finally:
        page.close()
    browser_reports.append(report)
    assert report.blocked == [] and errors == [], "\n".join(errors + report.blocked)
    assert links == [f"{lesson.stem}.html" for lesson in lesson_paths(LESSONS)]
    assert set(statuses.values()) <= {200}, statuses


def test_the_offline_page_check_reports_a_page_s_own_errors_but_not_the_blocked_cdn_loads(tmp_path, browser_context):
    (tmp_path / "page.html").write_text(
        '<script src="https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js"></script>'
        "<script>console.error('own error'); setTimeout(() => { throw new Error('own crash'); }, 0);</script>"
    )
    report = PageReport("page.html")
    with serving(tmp_path) as url:
        page, errors = _open_offline(browser_context, f"{url}/page.html", report)
        page.close()
    assert report.blocked == ["https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js"]
    assert sorted(errors) == [f"console error: own error ({url}/page.html)", "uncaught page error: own crash"]
