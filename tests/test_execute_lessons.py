"""tools/execute_lessons.py: deterministic stored outputs, and refusal of what nbval would reject.

Each test that runs a kernel uses a small notebook in a temporary folder (about a second each).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import execute_lessons  # noqa: E402
from execute_lessons import WIDGET_STATE, LessonError, execute_lesson, stabilize_widget_ids, stable_model_id  # noqa: E402
from lesson_cells import code, markdown, notebook, solution, write_notebook  # noqa: E402

# Widgets in an Output widget set from the kernel, a PNG figure, and where the kernel runs.
PIPELINE_CELLS = [
    markdown("# 01 · Pipeline"),
    code("import os, sys\nimport ipywidgets as widgets\nimport matplotlib.pyplot as plt"),
    code("slider = widgets.IntSlider(value=3, description='Leverage')\nbox = widgets.Output()\nbox.append_display_data(slider)\nbox"),
    code("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 3, 2])\nplt.show()\nprint('a line, then a figure')"),
    code("print(sys.executable)\nprint(os.getcwd())"),
    solution("print(6 * 7)"),
]


def _write(folder: Path, name: str, cells) -> Path:
    return write_notebook(notebook(cells), folder / name)


def test_running_twice_gives_byte_identical_complete_files(tmp_path):
    path = _write(tmp_path, "01_pipeline.ipynb", PIPELINE_CELLS)
    assert execute_lesson(path) is True
    first = path.read_bytes()
    assert execute_lesson(path) is False
    assert path.read_bytes() == first
    assert first.endswith(b"}\n") and b"\r\n" not in first

    nb = nbformat.reads(first.decode("utf-8"), as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code_cells] == [1, 2, 3, 4, 5]
    assert all("execution" not in c.metadata for c in nb.cells)
    assert nb.metadata.language_info == {"name": "python"}
    assert "image/png" in code_cells[2].outputs[0].data
    assert code_cells[3].outputs[0].text == f"{sys.executable}\n{tmp_path}\n"
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    assert set(state) == {stable_model_id(path.name, i) for i in range(len(state))}
    view = code_cells[1].outputs[0].data["application/vnd.jupyter.widget-view+json"]["model_id"]
    inner = state[view]["state"]["outputs"][0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert state[inner]["state"]["description"] == "Leverage"


def test_a_cell_that_raises_is_refused_and_the_file_is_kept(tmp_path):
    path = _write(tmp_path, "02_raises.ipynb", [code("1 / 0")])
    before = path.read_bytes()
    with pytest.raises(LessonError, match="ZeroDivisionError"):
        execute_lesson(path)
    assert path.read_bytes() == before


def test_a_warning_on_stderr_is_refused(tmp_path):
    path = _write(tmp_path, "03_warns.ipynb", [code("import warnings\nwarnings.warn('careful: deprecated')")])
    with pytest.raises(LessonError, match="careful: deprecated"):
        execute_lesson(path)


def test_a_lesson_that_writes_a_file_is_refused(tmp_path):
    path = _write(tmp_path, "04_writes.ipynb", [code("open('results.csv', 'w').write('1,2')")])
    with pytest.raises(LessonError, match="results.csv"):
        execute_lesson(path)


def test_the_command_stores_good_lessons_with_student_copies_and_exits_1_for_a_bad_one(tmp_path, capsys):
    good = _write(tmp_path, "05_good.ipynb", [code("6 * 7"), solution("40 + 2")])
    bad = _write(tmp_path, "06_bad.ipynb", [code("undefined_name")])
    assert execute_lessons.main([str(good), str(bad)]) == 1
    printed = capsys.readouterr()
    assert re.search(r"05_good.ipynb +[0-9.]+ s  updated", printed.out)
    assert "06_bad.ipynb" in printed.err and "NameError" in printed.err
    stored = nbformat.read(str(good), as_version=4)
    assert stored.cells[0].outputs[0].data["text/plain"] == "42"
    student = nbformat.read(str(tmp_path / "student" / "05_good.ipynb"), as_version=4)
    assert student.cells[-1].source == "# Your answer here"
    assert not (tmp_path / "student" / "06_bad.ipynb").exists()


def test_widget_ids_are_renumbered_everywhere_they_appear():
    old_a, old_b = "a" * 32, "b" * 32
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("box")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "display_data",
        data={"application/vnd.jupyter.widget-view+json": {"model_id": old_b, "version_major": 2, "version_minor": 0},
              "text/plain": f"Box(children=(IntSlider(), ...)) 'model_id': '{old_a}'"},
    )]
    nb.metadata.widgets = {WIDGET_STATE: {"state": {
        old_a: {"model_name": "IntSliderModel", "state": {"description": "x"}},
        old_b: {"model_name": "BoxModel", "state": {"children": [f"IPY_MODEL_{old_a}"]}},
    }}}
    stable = stabilize_widget_ids(nb, "07_ids.ipynb")
    text = json.dumps(stable)
    assert old_a not in text and old_b not in text
    new_a, new_b = stable_model_id("07_ids.ipynb", 0), stable_model_id("07_ids.ipynb", 1)
    assert stable.metadata.widgets[WIDGET_STATE]["state"][new_b]["state"]["children"] == [f"IPY_MODEL_{new_a}"]
    assert stable.cells[0].outputs[0].data["application/vnd.jupyter.widget-view+json"]["model_id"] == new_b
    assert new_a in stable.cells[0].outputs[0].data["text/plain"]


def test_stable_ids_differ_between_notebooks_and_widgets():
    ids = {stable_model_id(name, i) for name in ("00_a.ipynb", "01_b.ipynb") for i in range(50)}
    assert len(ids) == 100
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_lessons_are_found_in_order_and_student_copies_are_not_lessons(tmp_path):
    for name in ("02_b.ipynb", "00_a.ipynb", "notes.ipynb", "student/00_a.ipynb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert [p.name for p in execute_lessons.lesson_paths(tmp_path)] == ["00_a.ipynb", "02_b.ipynb"]
