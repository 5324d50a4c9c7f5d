"""Every lesson in a real browser: it runs clean, shows its widgets and every explorer answers.

The suite proves itself first on two generated notebooks: a working explorer (nothing to
report) and a broken one (every kind of problem the suite looks for must be reported).
"""

from __future__ import annotations

import socket

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from .lab import LESSONS, SKIP_MESSAGE, LabServer, browser_gate, lesson_paths, stored_widget_views
from .pages import check_notebook

browser = pytest.mark.browser

SETUP = """import base64, io, sys
import ipywidgets as w
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from IPython.display import Javascript, display"""

# The kit's contract: a container shown through a widget view; the figure replaced from the
# kernel as image/png in an Output widget; a summary HTML underneath; described controls.
EXPLORER = """leverage = w.FloatSlider(value=10, min=1, max=50, step=1, description="leverage")
side = w.Dropdown(options=["long", "short"], description="side")
mode = w.ToggleButtons(options=["isolated", "cross"], description="mode")
shock = w.Button(description="price shock")
figure, summary, shocks = w.Output(), w.HTML(), [0]
def update(_=None):
    fig, ax = plt.subplots(figsize=(3, 2))
    sign = 1 if side.value == "long" else -1
    ax.plot([0, 1], [0, sign * leverage.value - shocks[0] + (mode.value == "cross")])
    png = io.BytesIO()
    fig.savefig(png, format="png")
    plt.close(fig)
    data = {"image/png": base64.b64encode(png.getvalue()).decode(), "text/plain": "<figure>"}
    figure.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
    summary.value = f"<b>{side.value}</b> at {leverage.value:g}x, {mode.value}, {shocks[0]} shocks"
def shock_once(_):
    shocks[0] += 1
    update()
for control in (leverage, side, mode):
    control.observe(update, "value")
shock.on_click(shock_once)
update()
w.VBox([w.HBox([leverage, side]), mode, shock, figure, summary])"""

# A callback that raises before updating anything: a dead control and a log-console error.
BROKEN_EXPLORER = """size = w.IntSlider(value=1, min=0, max=5, description="size")
note = w.HTML("size 1")
def update(change):
    raise ValueError("deliberately broken callback")
size.observe(update, "value")
w.VBox([size, note])"""

BROKEN_CELLS = [
    "print(repr(w.IntSlider()))",
    'print("deliberate warning", file=sys.stderr)',
    "display(Javascript(\"console.error('deliberate console error'); "
    "setTimeout(() => { throw new Error('deliberate page error'); }, 0);\"))",
    "stale = 1",
    "1 / 0",
    "never_reached = 1",
]


def _widget_view_output(count: int):
    return new_output(
        "execute_result",
        data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "0" * 32, "version_major": 2, "version_minor": 0},
            "text/plain": "VBox(children=(...))",
        },
        execution_count=count,
    )


def write_notebook(path, sources, views_in):
    """A lesson-shaped notebook whose cells at ``views_in`` store a widget view output."""
    cells = [new_markdown_cell(f"# {path.stem}")]
    for index, source in enumerate(sources, start=1):
        cell = new_code_cell(source, execution_count=index)
        if index in views_in:
            cell.outputs = [_widget_view_output(index)]
        cells.append(cell)
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def made_up_lessons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("made-up-lessons")
    write_notebook(folder / "01_working_explorer.ipynb", [SETUP, EXPLORER], views_in={2})
    # code cell 6 ("stale = 1") stores a widget view it no longer displays
    write_notebook(folder / "02_broken_explorer.ipynb", [SETUP, BROKEN_EXPLORER, *BROKEN_CELLS], views_in={2, 6})
    return folder


@pytest.fixture(scope="module")
def made_up_lab(browser_context, made_up_lessons, tmp_path_factory):
    with LabServer(made_up_lessons, tmp_path_factory.mktemp("lab-made-up")) as server:
        yield server


@pytest.fixture(scope="module")
def lessons_lab(browser_context, tmp_path_factory):
    with LabServer(LESSONS, tmp_path_factory.mktemp("lab-lessons")) as server:
        yield server


def test_lesson_discovery_takes_numbered_notebooks_directly_inside_in_name_order(tmp_path):
    for name in ["10_later.ipynb", "02_first.ipynb", "notes.ipynb", "3_short.ipynb", "04_draft.py"]:
        (tmp_path / name).write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "05_hidden.ipynb").write_text("{}")
    assert [p.name for p in lesson_paths(tmp_path)] == ["02_first.ipynb", "10_later.ipynb"]
    assert lesson_paths(tmp_path / "absent") == []


def test_the_expected_widget_views_are_counted_in_the_stored_file(tmp_path):
    path = write_notebook(tmp_path / "01_x.ipynb", ["a = 1", "   \n", "w.VBox([])", "b"], views_in={3, 4})
    assert stored_widget_views(path) == 2
    assert stored_widget_views(write_notebook(tmp_path / "02_y.ipynb", ["a = 1"], views_in=set())) == 0


def test_a_missing_browser_fails_on_ci_and_skips_with_one_clear_line_elsewhere():
    assert browser_gate(["Chromium"], ci="true")[0] == "fail"
    assert "Chromium" in browser_gate(["Chromium"], ci="true")[1]
    assert browser_gate(["Chromium"], ci=None) == ("skip", SKIP_MESSAGE)
    assert browser_gate(["Chromium"], ci="false") == ("skip", SKIP_MESSAGE)
    assert "\n" not in SKIP_MESSAGE and "apt-get install chromium" in SKIP_MESSAGE
    assert browser_gate([], ci="true") == ("run", "")


@browser
def test_the_server_works_on_a_copy_and_stops_with_its_kernels(tmp_path):
    (tmp_path / "lessons").mkdir()
    original = write_notebook(tmp_path / "lessons" / "01_x.ipynb", ["a = 1"], views_in=set())
    committed = original.read_bytes()
    server = LabServer(original.parent, tmp_path / "work")
    with server:
        server.api("PUT", "/api/contents/01_x.ipynb", {"type": "file", "format": "text", "content": "changed"})
        server.api("POST", "/api/kernels", {"name": "python3"})
        assert len(server.api("GET", "/api/kernels")) == 1
        server.shutdown_kernels()
        assert server.api("GET", "/api/kernels") == []
    assert original.read_bytes() == committed
    assert (server.root / "01_x.ipynb").read_text() == "changed"
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


@browser
def test_the_browser_check_finds_nothing_wrong_with_a_working_explorer(
    made_up_lab, made_up_lessons, browser_context, screenshot_dir, browser_reports
):
    report = check_notebook(browser_context, made_up_lab, made_up_lessons / "01_working_explorer.ipynb", screenshot_dir)
    browser_reports.append(report)
    print(report.summary())
    assert report.problems == [], report.failure_message()
    assert (report.views_expected, report.views_rendered) == (1, 1)
    kinds = ["leverage slider", "side dropdown", "mode toggle buttons", "price shock button"]
    assert [line.split(":")[1].strip() for line in report.moved] == kinds, report.summary()
    assert all(line.endswith("figure/summary changed") for line in report.moved), report.summary()
    assert report.screenshot.stat().st_size > 0


@browser
def test_the_browser_check_reports_every_kind_of_broken_lesson(
    made_up_lab, made_up_lessons, browser_context, screenshot_dir, browser_reports
):
    report = check_notebook(browser_context, made_up_lab, made_up_lessons / "02_broken_explorer.ipynb", screenshot_dir)
    browser_reports.append(report)
    found = "\n".join(report.problems)
    expected = [
        "cell 4 after Run All: a widget shown as text: IntSlider(",
        "cell 5 after Run All: error or stderr output: deliberate warning",
        "cell 8 after Run All: error or stderr output: ZeroDivisionError: division by zero",
        "the notebook stores 2 widget views; the browser rendered 1 of 1",
        "widget view 1: no control changed its figure or summary text",
        "log console error: ValueError: deliberately broken callback",
        "console error: deliberate console error",
        "uncaught page error: deliberate page error",
    ]
    missing = [text for text in expected if text not in found]
    assert not missing, f"not reported: {missing}\n{report.failure_message()}"
    assert report.moved == ["view 1: size slider: 1.0 -> 5.0 (ArrowRight/End): NO CHANGE"], report.summary()


@browser
@pytest.mark.parametrize("lesson", lesson_paths(), ids=lambda path: path.stem)
def test_lesson_runs_clean_and_every_explorer_answers_in_a_real_browser(
    lesson, lessons_lab, browser_context, screenshot_dir, browser_reports
):
    report = check_notebook(browser_context, lessons_lab, lesson, screenshot_dir)
    lessons_lab.shutdown_kernels()
    browser_reports.append(report)
    print(report.summary())
    assert not report.problems, report.failure_message()
