"""The static site (``tools/render_html.py``) in a real browser, served from 127.0.0.1, offline.

The pages load RequireJS, MathJax and the widgets' HTML manager from public CDNs (documented in
``tools/render_html.py``). These tests never use the network: every request leaving
127.0.0.1 is aborted and listed in the summary, so the checks are what works offline: no
console or page errors of the pages' own, every stored figure shown, every widget view's
placeholder and the index's links in place.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from .lab import LESSONS, LOCAL_HOSTS, REPO, WIDGET_VIEW, lesson_paths, stored_widget_views

RENDER = REPO / "tools" / "render_html.py"
FIGURES = ("image/png", "image/svg+xml", "image/jpeg")
BLOCKED_LOAD = "Failed to load resource: net::ERR_FAILED"

pytestmark = pytest.mark.browser


@dataclass
class PageReport:
    """What one static page did in the browser (for the terminal summary)."""

    name: str
    figures: int = 0
    blocked: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"site/{self.name}: {self.figures} figures shown"]
        return "\n".join(lines + [f"    blocked (needs the network): {url}" for url in self.blocked])


def stored_figures(path) -> int:
    """Figures stored as cell outputs (those inside a widget's saved state need its manager)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        1
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
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
        # The one filter: the load failures of the very requests this test aborted (the CDN
        # scripts above), which are the test's offline rule, not a fault of the page.
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
def test_each_rendered_lesson_page_shows_its_figures_and_widget_placeholders_without_errors(
    lesson, site, site_url, browser_context, screenshot_dir, browser_reports
):
    report = PageReport(f"{lesson.stem}.html")
    page, errors = _open_offline(browser_context, f"{site_url}/{lesson.stem}.html", report)
    try:
        report.figures = page.evaluate("() => [...document.images].filter((i) => i.naturalWidth > 0).length")
        views = page.locator(f'script[type="{WIDGET_VIEW}"]').count()
        shot = screenshot_dir / f"site-{lesson.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    browser_reports.append(report)
    where = f"\n{report.summary()}\nscreenshot: {shot}"
    assert errors == [], "\n".join(errors) + where
    assert report.figures >= stored_figures(lesson), f"figures shown vs stored in {lesson.name}" + where
    assert views == stored_widget_views(lesson), f"widget view placeholders vs stored views in {lesson.name}" + where


def test_the_site_index_links_every_lesson_page_and_each_link_opens(site, site_url, browser_context, browser_reports):
    report = PageReport("index.html")
    page, errors = _open_offline(browser_context, f"{site_url}/index.html", report)
    try:
        links = page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.getAttribute('href'))")
        statuses = {href: page.request.get(f"{site_url}/{href}").status for href in links}
    finally:
        page.close()
    browser_reports.append(report)
    assert errors == [], "\n".join(errors)
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
