"""The static site (``tools/render_html.py``) in a real browser, served from 127.0.0.1, offline.

The pages are self-contained: widgets are static snapshots of their saved state, and no page
loads RequireJS, MathJax, a widget manager or anything else from the network. These tests
never use the network: every request leaving 127.0.0.1 is aborted and listed in the summary,
and none may happen at all. A page must show no console or page errors, at least one
``<img>`` per stored PNG (cell outputs, and Output widgets inside the shown widget views), one
snapshot per stored widget view, and the index's links must open.

The site reads like the course: every formula written in a lesson is drawn (an image with a
size, no raw TeX left on the page); every self-check's answer and every solution starts folded
and opens with one click; and a link walker, starting at the index, follows every link that
stays on the site and finds each page and each ``#anchor`` it points at.
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
from urllib.parse import urldefrag, urljoin, urlparse

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
    pages = ["reference.html", "glossary.html", "troubleshooting.html", "hub_guide.html"]
    assert links == [f"{lesson.stem}.html" for lesson in lesson_paths(LESSONS)] + pages
    assert set(statuses.values()) <= {200}, statuses


DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)


def _formulas(path) -> int:
    """Display formulas ($$...$$) written in a lesson's text: counted here from the notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(len(DISPLAY_MATH.findall("".join(c["source"]))) for c in cells if c["cell_type"] == "markdown")


def test_the_link_walker_finds_every_page_and_anchor_the_site_links_to(site, site_url, browser_context, browser_reports):
    report = PageReport("link walker")
    todo, seen, broken, checked = [f"{site_url}/index.html"], set(), [], 0
    page = browser_context.new_page()
    page.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname in LOCAL_HOSTS
               else (report.blocked.append(route.request.url), route.abort()))
    try:
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                broken.append(f"{url}: HTTP {response and response.status}")
                continue
            hrefs = page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.getAttribute('href'))")
            for href in hrefs:
                target = urljoin(url, href)
                if not target.startswith(site_url):
                    continue  # off the site (the repository, a venue's article): not followed
                address, fragment = urldefrag(target)
                if fragment:
                    checked += 1
                    other = browser_context.new_page() if address != url else page
                    try:
                        if other is not page:
                            other.goto(address, wait_until="load")
                        # As the HTML standard finds a fragment's element: the id as written, then decoded.
                        if not other.evaluate("(id) => document.getElementById(id) !== null || "
                                              "document.getElementById(decodeURIComponent(id)) !== null", fragment):
                            broken.append(f"{url}: {href} (no element with id {fragment!r})")
                    finally:
                        if other is not page:
                            other.close()
                if address not in seen:
                    todo.append(address)
    finally:
        page.close()
    report.figures = len(seen)
    browser_reports.append(report)
    expected = {f"{site_url}/{lesson.stem}.html" for lesson in lesson_paths(LESSONS)}
    expected |= {f"{site_url}/{name}" for name in ("index.html", "reference.html", "glossary.html", "troubleshooting.html",
                                                      "hub_guide.html")}
    assert report.blocked == [], report.blocked
    assert broken == [], "broken links on the site:\n" + "\n".join(broken)
    assert expected <= seen, f"pages the walker never reached: {sorted(expected - seen)}"
    assert not [s for s in seen if s.endswith((".ipynb", ".md"))], "a link leads to a source file, not a page"


@pytest.mark.parametrize("lesson", lesson_paths(), ids=lambda path: path.stem)
def test_formulas_are_drawn_and_answers_start_folded_and_open_with_a_click(
    lesson, site, site_url, browser_context, screenshot_dir, browser_reports
):
    report = PageReport(f"{lesson.stem}.html (math and folded answers)")
    page, errors = _open_offline(browser_context, f"{site_url}/{lesson.stem}.html", report)
    try:
        math = page.evaluate("() => [...document.querySelectorAll('img.mlab-math')].map((i) => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width])")
        raw_tex = page.evaluate("() => /\\$\\$|\\\\frac|\\\\text\\{/.test(document.body.innerText)")
        answers = page.locator("details.mlab-answer")
        solutions = page.locator("details.mlab-solution")
        folded = page.evaluate("() => [...document.querySelectorAll('details')].filter((d) => d.open).length")
        hidden_before = [answers.nth(i).locator(".mlab-answer-text").is_visible() for i in range(answers.count())]
        hidden_before += [solutions.nth(i).locator(".jp-Cell").first.is_visible() for i in range(solutions.count())]
        shot = screenshot_dir / f"site-folded-{lesson.stem}.png"
        if answers.count():
            answers.first.scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
            answers.first.locator("summary").click()
            shown_after = answers.first.locator(".mlab-answer-text").is_visible()
            page.screenshot(path=str(screenshot_dir / f"site-opened-{lesson.stem}.png"))
        else:
            shown_after = True
        if math:
            page.locator("img.mlab-math").first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot_dir / f"site-math-{lesson.stem}.png"))
    finally:
        page.close()
    browser_reports.append(report)
    where = f"\nscreenshots: {screenshot_dir}"
    assert errors == [] and report.blocked == [], "\n".join(errors + report.blocked)
    assert len(math) >= _formulas(lesson), f"formulas drawn: {math}" + where
    assert all(width > 0 and height > 0 and shown > 0 for width, height, shown in math), f"an empty formula: {math}" + where
    assert not raw_tex, "raw TeX is left on the page" + where
    assert folded == 0, "an answer or solution starts open" + where
    assert not any(hidden_before), "an answer is visible before its summary is clicked" + where
    assert shown_after, "clicking 'Show the answer' does not show it" + where


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
