"""What the browser does with one notebook: open, clear, run all, check, move every control.

``check_notebook`` drives a JupyterLab page the way a learner would (menus, keyboard, clicks)
and returns a ``NotebookReport``: the problems found and which controls were moved. Playwright
is imported inside functions so ``--doctest-modules`` can import this file anywhere.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .lab import LOCAL_HOSTS, LabServer, stored_widget_views

OPEN_TIMEOUT = 90.0  # s: JupyterLab loads and the kernel reports idle
RUN_TIMEOUT = 300.0  # s: Run All finishes (Monte Carlo lessons included)
RENDER_TIMEOUT = 15.0  # s: widget views appear after the kernel went idle
CHANGE_TIMEOUT = 8.0  # s: a moved control changes the figure or summary

WIDGET_AS_TEXT = re.compile(
    r"\b(?:[VH]Box|GridBox|Int\w*Slider|Float\w*Slider|Selection\w*Slider|Dropdown|ToggleButtons?"
    r"|Button|RadioButtons|Checkbox|Output|HTML|HTMLMath|Label|Tab|Accordion|Play|\w+Progress)\("
)
FIGURE_AS_TEXT = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")

# Top-level widget views: outputs of notebook cells (not outputs nested in an Output widget)
# rendered by the widget manager; a view the manager could not build carries its error as text.
TAG_VIEWS = """() => {
  const outs = document.querySelectorAll(
    '.jp-Notebook .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output');
  const views = [];
  for (const out of outs) {
    const live = out.querySelector(':scope > .jupyter-widgets');
    if (!live && !out.classList.contains('jupyter-widgets')) continue;
    out.setAttribute('data-mlab-view', String(views.length));
    views.push(Boolean(live) && !/Error displaying widget/.test(out.textContent));
  }
  return views;
}"""

# Controls inside view k, in document order, tagged "k-i"; disabled or hidden ones are left.
TAG_CONTROLS = """(k) => {
  const view = document.querySelector(`[data-mlab-view="${k}"]`);
  if (!view) return [];
  const found = [];
  const label = (el) => {
    const own = el.querySelector(':scope > label.widget-label');
    return ((own && own.textContent) || el.textContent || el.title || '').trim().slice(0, 40);
  };
  const selector = ['.widget-slider', '.widget-dropdown', '.widget-select', '.widget-toggle-buttons',
    '.widget-radio', '.widget-checkbox', 'button.widget-button', 'button.widget-toggle-button'].join(',');
  for (const el of view.querySelectorAll(selector)) {
    if (el.matches('button.widget-toggle-button') && el.closest('.widget-toggle-buttons')) continue;
    if (!el.offsetParent) continue;
    let kind, target = el;
    if (el.matches('.widget-slider')) { kind = 'slider'; target = el.querySelector('.noUi-handle'); }
    else if (el.matches('.widget-dropdown, .widget-select')) { kind = 'dropdown'; target = el.querySelector('select'); }
    else if (el.matches('.widget-toggle-buttons')) kind = 'toggle buttons';
    else if (el.matches('.widget-radio')) kind = 'radio buttons';
    else if (el.matches('.widget-checkbox')) { kind = 'checkbox'; target = el.querySelector('input'); }
    else if (el.matches('button.widget-toggle-button')) kind = 'toggle button';
    else kind = 'button';
    if (!target || target.disabled || target.closest('[disabled]')) continue;
    const id = `${k}-${found.length}`;
    target.setAttribute('data-mlab-control', id);
    found.push({id, kind, label: label(el)});
  }
  return found;
}"""

# What a learner watches, hashed: the figure (images, and the non-widget outputs an Output
# widget shows) and the summary text (HTML and Label widgets). Controls, their readouts and
# widgets nested in an Output are left out: moving a control always changes those.
SNAPSHOT = """(k) => {
  const view = document.querySelector(`[data-mlab-view="${k}"]`);
  if (!view) return 'view gone';
  const parts = [];
  view.querySelectorAll('img').forEach((img) => parts.push(img.src));
  view.querySelectorAll('.jp-OutputArea-output[data-mime-type]').forEach((o) => parts.push(o.innerHTML));
  view.querySelectorAll('.widget-html-content, .widget-htmlmath-content, div.widget-label')
    .forEach((e) => parts.push(e.innerHTML));
  let h = 5381;
  for (const ch of parts.join('\\u0000')) h = ((h * 33) ^ ch.codePointAt(0)) >>> 0;
  return `${parts.length}:${h}`;
}"""

SCAN_OUTPUTS = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const where = (el) => `cell ${cells.indexOf(el.closest('.jp-Cell')) + 1}`;
  const found = [];
  for (const out of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
    const mime = out.dataset.mimeType || '';
    if (mime === 'application/vnd.jupyter.stderr') found.push(['stderr', where(out), out.innerText]);
    else if (/^(text\\/|application\\/vnd\\.jupyter\\.std)/.test(mime)) found.push(['text', where(out), out.innerText]);
    else if (!mime && /Error displaying widget|model not found/.test(out.textContent))
      found.push(['broken', where(out), out.textContent]);
  }
  return found;
}"""

# Every non-blank code cell has an execution count and none is queued or running; after an
# error JupyterLab aborts the rest, so an error output also ends the wait.
RUN_FINISHED = """() => {
  const notebook = window.jupyterapp?.shell.currentWidget?.content;
  if (!notebook?.model) return false;
  const cells = Array.from(notebook.model.cells).filter((c) => c.type === 'code');
  if (cells.some((c) => c.executionState === 'running')) return false;
  const pending = cells.filter((c) => c.sharedModel.getSource().trim() && c.executionCount === null);
  const failed = cells.some((c) => Array.from({length: c.outputs.length}, (_, i) => c.outputs.get(i))
    .some((o) => o.type === 'error'));
  return pending.length === 0 || failed;
}"""

# The toolbar's execution indicator says "idle" before any kernel exists (and Run All then
# asks for a kernel), so the status bar's "<kernel name> | Idle" is what counts as ready.
KERNEL_IDLE = """() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'
  && /^(?!No Kernel).*\\| Idle$/.test(
    document.querySelector('[title^="Change kernel for"]')?.textContent.trim() || '')"""

LOG_ENTRIES = """() => [...document.querySelectorAll('.jp-LogConsolePanel .jp-OutputArea-child')].map((c) => [
  c.querySelector('[data-log-level]')?.dataset.logLevel || '', c.innerText])"""


@dataclass
class NotebookReport:
    """What happened to one notebook in the browser."""

    name: str
    screenshot: Path
    problems: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    views_expected: int = 0
    views_rendered: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One paragraph for the terminal: views, seconds and every control moved."""
        head = f"{self.name}: {self.views_rendered}/{self.views_expected} widget views, {self.seconds:.0f} s"
        return "\n".join([head, *(f"    {line}" for line in self.moved or ["(no controls moved)"])])

    def failure_message(self) -> str:
        """Every problem, then the moves and the screenshot path."""
        problems = "\n".join(f"  - {p}" for p in self.problems)
        return f"{self.name} in the browser:\n{problems}\n{self.summary()}\nscreenshot: {self.screenshot}"


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def _settle(page, view: int) -> str:
    """Wait for the kernel to go idle and the view to stop changing; return its snapshot."""
    page.wait_for_function(KERNEL_IDLE, timeout=RUN_TIMEOUT * 1000, polling=100)
    last = page.evaluate(SNAPSHOT, view)
    for _ in range(20):
        time.sleep(0.25)
        now = page.evaluate(SNAPSHOT, view)
        if now == last:
            return now
        last = now
    return last


def _changed(page, view: int, before: str) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"([k, before]) => ({SNAPSHOT})(k) !== before", arg=[view, before],
            timeout=CHANGE_TIMEOUT * 1000, polling=100,
        )  # fmt: skip
        return True
    except PlaywrightTimeout:
        return False


def _move(page, view: int, control: dict, before: str) -> str:
    """Move one control like a learner; return what was done and whether anything changed."""
    target = page.locator(f'[data-mlab-control="{control["id"]}"]')
    name = f"{control['label'] or '(no label)'} {control['kind']}"
    kind = control["kind"]
    if kind == "slider":
        start = target.get_attribute("aria-valuenow")
        at_max = float(start) >= float(target.get_attribute("aria-valuemax"))
        keys = ("ArrowLeft", "Home") if at_max else ("ArrowRight", "End")
        target.press(keys[0])
        changed, pressed = _changed(page, view, before), keys[0]
        if not changed:  # one step may fall inside a flat region; jump to the end
            target.press(keys[1])
            changed, pressed = _changed(page, view, before), "/".join(keys)
        done = f"{name}: {start} -> {target.get_attribute('aria-valuenow')} ({pressed})"
    elif kind == "dropdown":
        values = target.evaluate("(s) => [...s.options].map((o) => o.textContent)")
        current = target.evaluate("(s) => s.selectedIndex")
        if len(values) < 2:
            return f"{name}: only one option, not moved"
        target.select_option(index=(current + 1) % len(values))
        done = f"{name}: {values[current]!r} -> {values[(current + 1) % len(values)]!r}"
        changed = _changed(page, view, before)
    elif kind in {"toggle buttons", "radio buttons"}:
        choice = target.locator("button:not(.mod-active), input:not(:checked)").first
        if choice.count() == 0:
            return f"{name}: no other option, not moved"
        text = choice.evaluate("(e) => (e.closest('label') || e).textContent.trim()")
        choice.click()
        done = f"{name}: clicked {text!r}"
        changed = _changed(page, view, before)
    else:
        target.click()
        done = f"{name}: clicked"
        changed = _changed(page, view, before)
    return f"{done}: {'figure/summary changed' if changed else 'NO CHANGE'}"


def _move_controls(page, report: NotebookReport, views: int) -> None:
    for view in range(views):
        controls = page.evaluate(TAG_CONTROLS, view)
        if not controls:
            report.moved.append(f"view {view + 1}: no controls")
            continue
        changed_any = False
        for index in range(len(controls)):
            current = page.evaluate(TAG_CONTROLS, view)  # a move may rebuild or disable others
            if index >= len(current):
                report.moved.append(f"view {view + 1}: control {index + 1} gone after earlier moves")
                break
            before = _settle(page, view)
            line = _move(page, view, current[index], before)
            changed_any = changed_any or line.endswith("figure/summary changed")
            report.moved.append(f"view {view + 1}: {line}")
        if not changed_any:
            report.problems.append(
                f"widget view {view + 1}: no control changed its figure or summary text"
            )
        _settle(page, view)


def _excerpt(text: str) -> str:
    """A traceback's last line (the exception), or the text squeezed to one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "Traceback" in text and lines:
        return lines[-1][:300]
    return " ".join(lines)[:300]


def _output_problems(page, when: str, seen: set[str]) -> list[str]:
    problems = []
    for kind, where, text in page.evaluate(SCAN_OUTPUTS):
        if kind == "stderr":
            problem = f"{where}: error or stderr output: {_excerpt(text)}"
        elif kind == "broken":
            problem = f"{where}: widget not displayed: {_excerpt(text)}"
        elif WIDGET_AS_TEXT.search(text):
            problem = f"{where}: a widget shown as text: {_excerpt(text)}"
        elif FIGURE_AS_TEXT.search(text):
            problem = f"{where}: a figure shown as text: {_excerpt(text)}"
        else:
            continue
        if problem not in seen:
            seen.add(problem)
            problems.append(problem.replace(":", f" {when}:", 1))
    return problems


def _log_console_problems(page) -> list[str]:
    """Kernel errors outside cells (a widget callback raising) land in Lab's log console."""
    status = page.locator(".jp-LogConsoleStatusItem [title]")
    title = status.first.get_attribute("title") if status.count() else ""
    match = re.search(r"(\d+) log entr", title or "")
    if not match or int(match.group(1)) == 0:
        return []
    status.first.click()
    page.wait_for_selector(".jp-LogConsolePanel .jp-OutputArea-child", timeout=10_000)
    return [
        f"log console {level}: {_excerpt(text)}"
        for level, text in page.evaluate(LOG_ENTRIES)
        if level in {"warning", "error", "critical"}
    ]


def _watch(page) -> list[str]:
    """Collect console errors, uncaught page errors and requests leaving 127.0.0.1."""
    browser_problems: list[str] = []

    def on_console(message) -> None:
        # Nothing is filtered: with the news feed and extension manager off, a clean
        # JupyterLab start logs no console errors, so every one is ours to explain.
        if message.type == "error":
            where = message.location.get("url") or "inline script"
            browser_problems.append(f"console error: {message.text} ({where})")

    def on_request(request) -> None:
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOCAL_HOSTS:
            browser_problems.append(f"network request off this machine: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_problems.append(f"uncaught page error: {error}"))
    page.on("request", on_request)
    return browser_problems


def check_notebook(context, server: LabServer, notebook: Path, screenshot_dir: Path) -> NotebookReport:
    """Open ``notebook`` (by name, in the server's copy), run it all and move every control.

    The expected number of widget views comes from ``notebook`` itself, the file as stored,
    never from what the browser shows.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    report = NotebookReport(notebook.name, screenshot_dir / f"{notebook.stem}.png")
    report.views_expected = stored_widget_views(notebook)
    page = context.new_page()
    browser_problems = _watch(page)
    stage = "opening the notebook and starting its kernel"
    try:
        page.goto(server.notebook_url(notebook.name))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=OPEN_TIMEOUT * 1000)
        page.wait_for_function(KERNEL_IDLE, timeout=OPEN_TIMEOUT * 1000, polling=200)
        stage = "running all cells"
        _menu(page, "Edit", "Clear Outputs of All Cells")
        _menu(page, "Run", "Run All Cells")
        page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT * 1000, polling=200)
        page.wait_for_function(KERNEL_IDLE, timeout=RUN_TIMEOUT * 1000, polling=200)
        stage = "waiting for the widget views"
        try:
            page.wait_for_function(
                f"(n) => ({TAG_VIEWS})().filter(Boolean).length >= n || /Error displaying widget/"
                ".test(document.querySelector('.jp-Notebook').textContent)",
                arg=report.views_expected, timeout=RENDER_TIMEOUT * 1000, polling=200,
            )  # fmt: skip
        except PlaywrightTimeout:
            pass  # the count below says how many appeared
        views = page.evaluate(TAG_VIEWS)
        report.views_rendered = sum(views)
        seen: set[str] = set()
        report.problems += _output_problems(page, "after Run All", seen)
        if report.views_rendered != report.views_expected or not all(views):
            report.problems.append(
                f"the notebook stores {report.views_expected} widget views; the browser rendered "
                f"{report.views_rendered} of {len(views)} (stale stored outputs? re-run `make outputs`)"
            )
        stage = "moving the controls"
        _move_controls(page, report, len(views))
        report.problems += _output_problems(page, "after moving the controls", seen)
        report.problems += _log_console_problems(page)
    except PlaywrightTimeout as error:
        report.problems.append(f"timed out {stage}: {str(error).splitlines()[0]}")
        for dialog in page.locator(".jp-Dialog").all():
            report.problems.append(f"a dialog was open: {_excerpt(dialog.inner_text())}")
        report.problems.append(f"server log tail:\n{server.log_tail(15)}")
    finally:
        try:
            page.screenshot(path=str(report.screenshot))
        finally:
            page.close()
        report.problems += browser_problems
        report.seconds = time.monotonic() - started
    return report
