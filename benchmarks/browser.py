"""What a learner waits for: a slider key press to the new figure painted, in headless Chromium.

    python benchmarks/browser.py            # prints one row per explorer (about two minutes)

One throwaway notebook holds every explorer of ``margin_lab.widgets``, one per cell; JupyterLab
serves it (``tests/browser/lab.py``: its own temporary folders, nothing leaves the machine) and
Debian's Chromium (``/usr/bin/chromium``, through Playwright's ``executable_path``) runs it all.
Then, for each explorer, the first slider's handle gets a real key press (ArrowRight, then
ArrowLeft, and so on, so every press changes the value) and the page measures, from the
keydown event's own time stamp, until the Output widget's image has a new source, that image is
decoded, and two animation frames have passed (the browser has painted it). The median of
``PRESSES`` presses per explorer is the row; an explorer without a slider gets a toggle-button
click instead, named in the row.

Included: the key event, the widget's comm message to the kernel, the kernel's callback
(compute, draw, PNG, outputs), the message back, the DOM update, image decoding and paint.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRESSES = 7

# Marks view k's controls of one kind ("slider": the slider handles; "toggle": the first
# inactive button of each toggle group) as "k-0", "k-1", ... and returns how many there are.
MARK_CONTROLS = """([k, kind]) => {
  const views = [...document.querySelectorAll(
    '.jp-Notebook .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')]
    .map((out) => out.querySelector(':scope > .jupyter-widgets')).filter(Boolean);
  const view = views[k];
  if (!view) return 0;
  view.setAttribute('data-bench-view', String(k));
  view.querySelectorAll('[data-bench-control]').forEach((e) => e.removeAttribute('data-bench-control'));
  const found = kind === 'slider' ? [...view.querySelectorAll('.widget-slider .noUi-handle')]
    : [...view.querySelectorAll('.widget-toggle-buttons')].map((g) => g.querySelector('button:not(.mod-active)'));
  found.filter(Boolean).forEach((e, i) => e.setAttribute('data-bench-control', `${k}-${i}`));
  return found.filter(Boolean).length;
}"""

# Resolves with the milliseconds from the last keydown/pointerdown to the new image painted.
WAIT_PAINTED = """async ([k, before]) => {
  const view = document.querySelector(`[data-bench-view="${k}"]`);
  const image = () => view.querySelector('img');
  const deadline = performance.now() + 5000;
  while (!image() || image().src === before) {
    if (performance.now() > deadline) return -1;
    await new Promise((r) => requestAnimationFrame(r));
  }
  await image().decode();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - window.__benchStart;
}"""

LISTEN = """() => {
  if (window.__benchListening) return;
  window.__benchListening = true;
  for (const kind of ['keydown', 'pointerdown']) {
    document.addEventListener(kind, (e) => { window.__benchStart = e.timeStamp; }, {capture: true});
  }
}"""


def _notebook(folder: Path, names: list[str]) -> Path:
    import nbformat

    cells = [nbformat.v4.new_code_cell("import margin_lab.widgets as widgets")]
    cells += [nbformat.v4.new_code_cell(f"widgets.{name}()") for name in names]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "bench.ipynb"
    nbformat.write(notebook, path)
    return path


def _press(page, k: int, kind: str, index: int, forward: bool) -> float:
    """Move control ``index`` of view ``k`` once; milliseconds to the new image painted, or -1."""
    from tests.browser.pages import KERNEL_IDLE

    page.wait_for_function(KERNEL_IDLE, timeout=60_000, polling=50)
    time.sleep(0.2)
    before = page.evaluate(f"() => document.querySelector('[data-bench-view=\"{k}\"] img').src")
    control = page.locator(f'[data-bench-control="{k}-{index}"]')
    if kind == "slider":
        control.press("ArrowRight" if forward else "ArrowLeft")
    else:
        control.click()
        page.evaluate(MARK_CONTROLS, [k, "toggle"])  # the other button is the inactive one now
    return page.evaluate(WAIT_PAINTED, [k, before])


def _measure(page, k: int, name: str, presses: int) -> tuple[str, str, str, str]:
    """The first slider whose step changes the figure (else the first toggle that does), pressed
    ``presses`` times back and forth; the row with the median."""
    for kind in ("slider", "toggle"):
        for index in range(page.evaluate(MARK_CONTROLS, [k, kind])):
            page.evaluate(MARK_CONTROLS, [k, kind])
            control = page.locator(f'[data-bench-control="{k}-{index}"]')
            control.scroll_into_view_if_needed()
            at_max = kind == "slider" and float(control.get_attribute("aria-valuenow")) >= float(
                control.get_attribute("aria-valuemax"))
            if _press(page, k, kind, index, not at_max) < 0:  # this step leaves the figure as it was
                continue
            times = [_press(page, k, kind, index, i % 2 == 0 if at_max else i % 2 == 1) for i in range(presses)]
            times = [t for t in times if t >= 0]
            if times:
                median = statistics.median(times)
                how = "slider key press" if kind == "slider" else "toggle click"
                return (f"browser {name}: {how} to image painted", f"{median:.0f} ms (median of {len(times)})",
                        "< 250 ms", "ok" if median < 250 else "MISSED")
    return (f"browser {name}", "no control changed the image", "< 250 ms", "MISSED")


def browser_rows(presses: int = PRESSES) -> list[tuple[str, str, str, str]]:
    """One row per explorer: median milliseconds from a key press to the new image painted."""
    from tests.browser.lab import LabServer, chromium_path, launch_browser
    from tests.browser.pages import KERNEL_IDLE, RUN_FINISHED, _menu

    import margin_lab.widgets as kit

    executable = chromium_path()
    if executable is None:
        return [("browser: key press to image painted", "no chromium: not measured", "(info)", "")]
    from playwright.sync_api import sync_playwright

    names = sorted(n for n in kit.__all__ if n.endswith("_explorer"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder, work = Path(tmp) / "lessons", Path(tmp) / "work"
        folder.mkdir()
        work.mkdir()
        notebook = _notebook(folder, names)
        with LabServer(folder, work) as server, sync_playwright() as playwright:
            context = launch_browser(playwright, Path(tmp) / "profile", executable)
            try:
                page = context.new_page()
                page.goto(server.notebook_url(notebook.name))
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
                page.wait_for_function(KERNEL_IDLE, timeout=90_000, polling=200)
                _menu(page, "Run", "Run All Cells")
                page.wait_for_function(RUN_FINISHED, timeout=300_000, polling=200)
                page.wait_for_function(KERNEL_IDLE, timeout=300_000, polling=200)
                page.wait_for_function(
                    "(n) => document.querySelectorAll('.jp-Notebook .jp-Cell-outputArea img').length >= n",
                    arg=len(names), timeout=60_000)
                page.evaluate(LISTEN)
                for k, name in enumerate(names):
                    rows.append(_measure(page, k, name, presses))
            finally:
                context.close()
    return rows


if __name__ == "__main__":
    for row in browser_rows():
        print("  ".join(row))
