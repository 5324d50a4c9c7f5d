"""Lesson hygiene: what strict nbval cannot see, checked on the stored notebooks.

Strict nbval compares a cell's outputs only when the stored cell was executed, ignores PNG bytes
and widget views, and knows nothing about how a lesson is built. These tests cover the rest for
every lessons/NN_*.ipynb and lessons/student/NN_*.ipynb (conventions: lessons/AUTHORING.md).
Each check is a function returning a list of problems; the last tests feed the checks broken
notebooks to prove they can fail.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
sys.path.insert(0, str(ROOT / "tools"))

from execute_lessons import WIDGET_STATE, WIDGET_VIEW, stable_model_id  # noqa: E402
from lesson_cells import KERNELSPEC, LANGUAGE_INFO, SETUP_SOURCE, SHOW_THE_MATH_TAG, SOLUTION_TAG  # noqa: E402
from student_copies import EXERCISE_TAG, HIDDEN_LINE, lesson_paths  # noqa: E402

LESSON_NAME = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")
MAX_LINES = 8
MAX_SETUP_LINES = 6
NBVAL_TAGS = {"nbval-skip", "nbval-ignore-output", "nbval-check-output", "nbval-raises-exception", "raises-exception"}
CONTROL = re.compile(r"(Slider|Dropdown|Toggle|Button|Text|Radio|Select|Checkbox|Combobox|Password|Picker|Play)\w*Model$")
TEXT_WIDGETS = {"LabelModel", "HTMLModel", "HTMLMathModel", "TextareaModel"}
BANNED_NODES = {
    ast.FunctionDef: "def", ast.AsyncFunctionDef: "def", ast.Lambda: "lambda", ast.ClassDef: "class",
    ast.Import: "import", ast.ImportFrom: "import", ast.For: "for", ast.AsyncFor: "for",
    ast.While: "while", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.With: "with",
    ast.Try: "try",
}
LIVE_WIDGET_CALLS = re.compile(r"\binteract(ive|_manual)?\s*\(|\binteractive_output\s*\(|^\s*with\s+\w+\s*:", re.M)
FILE_WRITES = re.compile(
    r"\bopen\s*\(|\.write_(text|bytes)\s*\(|\.savefig\s*\(|\.to_(csv|json|excel|parquet|pickle|html)\s*\("
    r"|\bnp\.save|\b(os|shutil)\.\w+\s*\(|\.(mkdir|touch|unlink|rename)\s*\(|^\s*%%?writefile|^\s*!",
    re.M,
)
RANDOM_HTML_ID = re.compile(r"""\bid=["']?[^"'\s>]*[0-9a-f]{8}""")
TIME_LINE = re.compile(r"^\*\*Time:\*\* \d+ minutes$", re.M)


def notebook_paths() -> list[Path]:
    return lesson_paths(LESSONS) + sorted((LESSONS / "student").glob("*.ipynb"))


def _read(path: Path):
    return nbformat.read(str(path), as_version=4)


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _is_student(path: Path) -> bool:
    return path.parent.name == "student"


def _widget_models(nb) -> dict:
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def _all_outputs(nb):
    """(where, output) for every cell output and every output stored in an Output widget."""
    for index, cell in enumerate(_code(nb), 1):
        for output in cell.outputs:
            yield f"code cell {index}", output
    for model_id, model in _widget_models(nb).items():
        for output in model.get("state", {}).get("outputs", []):
            yield f"Output widget {model_id[:8]}", output


def _is_text(output) -> bool:
    """An output a screen reader can read: stdout text or a non-figure text/markdown/html."""
    if output.get("output_type") == "stream":
        return output.get("name") == "stdout" and bool("".join(output.get("text", "")).strip())
    data = output.get("data", {})
    if any(key.startswith("image/") for key in data) or WIDGET_VIEW in data:
        return False
    plain = "".join(data.get("text/plain", ""))
    return bool(data.get("text/markdown") or data.get("text/html") or (plain.strip() and not plain.startswith("<Figure")))


def _has_image(output) -> bool:
    return any(key.startswith("image/") for key in output.get("data", {}))


def _python(source: str) -> ast.Module:
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


# Checks: each returns a list of problems (empty when the notebook is fine).


def execution_problems(nb, path: Path) -> list[str]:
    counts = [cell.execution_count for cell in _code(nb)]
    if counts != list(range(1, len(counts) + 1)):
        return [f"execution counts are {counts}, not 1..{len(counts)}: run tools/execute_lessons.py"]
    return []


def error_problems(nb, path: Path) -> list[str]:
    found = []
    for where, output in _all_outputs(nb):
        if output.get("output_type") == "error":
            found.append(f"{where}: error {output.get('ename')}")
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            found.append(f"{where}: stderr {''.join(output.get('text', ''))[:80]!r}")
    return found


def random_output_problems(nb, path: Path) -> list[str]:
    found = []
    for where, output in _all_outputs(nb):
        data = output.get("data", {})
        for kind in ("image/svg+xml", "application/javascript", "text/javascript"):
            if kind in data:
                found.append(f"{where}: {kind} output (changes every run; use PNG and text)")
        if RANDOM_HTML_ID.search("".join(data.get("text/html", ""))):
            found.append(f"{where}: text/html with a generated id")
    return found


def metadata_problems(nb, path: Path) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        if "execution" in cell.metadata:
            found.append(f"cell {index}: execution timestamps in its metadata")
    if nb.metadata.get("language_info") != LANGUAGE_INFO:
        found.append(f"metadata.language_info is {nb.metadata.get('language_info')}, want {LANGUAGE_INFO}")
    if nb.metadata.get("kernelspec") != KERNELSPEC:
        found.append(f"metadata.kernelspec is {nb.metadata.get('kernelspec')}, want {KERNELSPEC}")
    ids = set(_widget_models(nb))
    for _, output in _all_outputs(nb):
        model_id = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
        if model_id:
            ids.add(model_id)
    stable = {stable_model_id(path.name, index) for index in range(len(ids))}
    if ids != stable:
        found.append("widget model ids are not the renumbered ones: run tools/execute_lessons.py")
    return found


def image_summary_problems(nb, path: Path) -> list[str]:
    found = []
    cells = _code(nb)
    for index, cell in enumerate(cells):
        outputs = cell.outputs
        for position, output in enumerate(outputs):
            if not _has_image(output):
                continue
            later = outputs[position + 1:]
            following = cells[index + 1].outputs[:1] if index + 1 < len(cells) else []
            if not any(map(_is_text, later)) and not any(map(_is_text, following)):
                found.append(f"code cell {index + 1}: an image with no text summary after it (this cell or the next)")
    models = _widget_models(nb)
    for model_id, model in models.items():
        outputs = model.get("state", {}).get("outputs", [])
        for position, output in enumerate(outputs):
            if _has_image(output) and not any(map(_is_text, outputs[position + 1:])) and not _sibling_text(models, model_id):
                found.append(f"Output widget {model_id[:8]}: an image with no text summary beside it")
    return found


def _sibling_text(models: dict, model_id: str) -> bool:
    """Whether a box holding ``model_id`` also holds a text widget or an Output with text."""
    reference = f"IPY_MODEL_{model_id}"
    for model in models.values():
        children = model.get("state", {}).get("children", [])
        if reference not in children:
            continue
        for child in children:
            sibling = models.get(child.removeprefix("IPY_MODEL_"), {})
            state = sibling.get("state", {})
            if sibling.get("model_name") in TEXT_WIDGETS and str(state.get("value", "")).strip():
                return True
            if child != reference and any(map(_is_text, state.get("outputs", []))):
                return True
    return False


def control_problems(nb, path: Path) -> list[str]:
    found = []
    for model_id, model in _widget_models(nb).items():
        name = model.get("model_name", "")
        if CONTROL.search(name) and not name.endswith("StyleModel"):
            if not str(model.get("state", {}).get("description", "")).strip():
                found.append(f"widget {model_id[:8]} ({name}) has no description")
    return found


def source_problems(nb, path: Path) -> list[str]:
    found = []
    for index, cell in enumerate(_code(nb), 1):
        if LIVE_WIDGET_CALLS.search(cell.source):
            found.append(f"code cell {index}: interact/interactive_output/`with out:` (outputs differ under nbval)")
        if index > 1 and FILE_WRITES.search(cell.source):
            found.append(f"code cell {index}: looks like it writes files or runs a shell command")
        if index > 1 and re.search(r"^\s*%", cell.source, re.M):
            found.append(f"code cell {index}: a magic command after the setup cell")
        if index == 1 or SHOW_THE_MATH_TAG in _tags(cell) or EXERCISE_TAG in _tags(cell):
            continue
        try:
            tree = _python(cell.source)
        except SyntaxError as error:
            found.append(f"code cell {index}: not valid Python ({error.msg})")
            continue
        kinds = sorted({BANNED_NODES[type(node)] for node in ast.walk(tree) if type(node) in BANNED_NODES})
        if kinds:
            found.append(f"code cell {index}: {', '.join(kinds)} after the setup cell: it belongs in margin_lab")
    return found


def length_problems(nb, path: Path) -> list[str]:
    found = []
    for index, cell in enumerate(_code(nb), 1):
        # A student copy's self-check starts with a generated comment line (it folds the code).
        lines = len(cell.source.removeprefix(HIDDEN_LINE + "\n").strip("\n").splitlines())
        limit = MAX_SETUP_LINES if index == 1 else MAX_LINES
        if lines > limit:
            found.append(f"code cell {index}: {lines} lines, at most {limit}")
    return found


def setup_problems(nb, path: Path) -> list[str]:
    code = _code(nb)
    if not code or code[0].source != SETUP_SOURCE:
        return ["the first code cell is not the setup cell (lesson_cells.SETUP_SOURCE, see AUTHORING.md)"]
    return []


def structure_problems(nb, path: Path) -> list[str]:
    found = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        found.append("the first cell is not a markdown cell starting with the '# ' title")
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    opening = "\n\n".join(c.source for c in cells[:first_code] if c.cell_type == "markdown")
    if not TIME_LINE.search(opening):
        found.append("no '**Time:** NN minutes' line before the setup cell")
    for heading in ("## Questions", "## Objectives"):
        if not _section_has_bullets(opening, heading):
            found.append(f"no '{heading}' heading with bullet points before the setup cell")
    text = "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
    headings = [line.strip() for line in text.splitlines() if line.startswith("## ")]
    if headings[-2:] != ["## Key points", "## Self-check"]:
        found.append(f"the last sections are {headings[-2:]}, want ['## Key points', '## Self-check']")
    elif not _section_has_bullets(text, "## Key points"):
        found.append("'## Key points' has no bullet points")
    return found


def _section_has_bullets(text: str, heading: str) -> bool:
    lines = text.splitlines()
    if heading not in (line.strip() for line in lines):
        return False
    start = [line.strip() for line in lines].index(heading) + 1
    for line in lines[start:]:
        if line.startswith("#"):
            return False
        if re.match(r"^\s*([-*]|\d+\.)\s+\S", line):
            return True
    return False


def solution_problems(nb, path: Path) -> list[str]:
    found = []
    code = _code(nb)
    for index, cell in enumerate(nb.cells):
        if SOLUTION_TAG not in _tags(cell):
            continue
        if _is_student(path):
            found.append(f"cell {index}: a solution cell in a student copy")
        if cell.metadata.get("jupyter", {}).get("source_hidden") is not True:
            found.append(f"cell {index}: solution cell not collapsed (metadata jupyter.source_hidden)")
    for position, cell in enumerate(code):
        if SOLUTION_TAG not in _tags(cell):
            continue
        defined = {n.id for n in ast.walk(_python(cell.source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for number, other in enumerate(code[position + 1:], position + 2):
            used = {n.id for n in ast.walk(_python(other.source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            if defined & used:
                found.append(
                    f"code cell {number} uses {sorted(defined & used)} from a solution cell: the student copy has no answer there"
                )
    return found


def nbval_marker_problems(nb, path: Path) -> list[str]:
    found = []
    for index, cell in enumerate(_code(nb), 1):
        tags = set(_tags(cell))
        if re.search(r"^\s*#\s*(NBVAL_|PYTEST_VALIDATE)", cell.source, re.M):
            found.append(f"code cell {index}: an nbval comment marker")
        if tags & NBVAL_TAGS:
            found.append(f"code cell {index}: nbval tags {sorted(tags & NBVAL_TAGS)} hide it from strict nbval")
        if EXERCISE_TAG in tags and _is_student(path) and cell.outputs:
            found.append(f"code cell {index}: an exercise stub must run silently (no output)")
    return found


def _ids(paths):
    return [str(p.relative_to(LESSONS)) for p in paths]


@pytest.fixture(params=notebook_paths(), ids=_ids(notebook_paths()))
def stored(request):
    """(notebook, path) for one stored lesson or student copy."""
    return _read(request.param), request.param


def test_there_is_at_least_one_lesson():
    assert lesson_paths(LESSONS), "no lessons/NN_*.ipynb found"


def test_lesson_files_are_named_by_two_digits_and_a_topic():
    odd = [p.name for p in LESSONS.glob("*.ipynb") if not LESSON_NAME.match(p.name)]
    assert not odd, f"lessons/ holds notebooks that are not lessons: {odd} (want NN_topic.ipynb)"


def test_every_code_cell_was_executed_once_in_order(stored):
    assert not execution_problems(*stored)


def test_no_cell_shows_an_error_or_writes_to_stderr(stored):
    assert not error_problems(*stored)


def test_no_output_is_svg_javascript_or_html_with_generated_ids(stored):
    assert not random_output_problems(*stored)


def test_no_volatile_metadata_is_stored(stored):
    assert not metadata_problems(*stored)


def test_every_image_is_followed_by_a_text_summary(stored):
    assert not image_summary_problems(*stored)


def test_every_widget_control_has_a_description(stored):
    assert not control_problems(*stored)


def test_cells_after_the_setup_cell_only_call_the_library(stored):
    assert not source_problems(*stored)


def test_code_cells_are_short(stored):
    assert not length_problems(*stored)


def test_the_first_code_cell_is_the_standard_setup_cell(stored):
    assert not setup_problems(*stored)


def test_each_lesson_opens_with_time_questions_objectives_and_ends_with_key_points_and_self_check(stored):
    assert not structure_problems(*stored)


def test_solution_cells_are_collapsed_and_nothing_later_needs_their_names(stored):
    assert not solution_problems(*stored)


def test_only_student_exercise_stubs_are_hidden_from_strict_nbval(stored):
    assert not nbval_marker_problems(*stored)


# The checks can fail: each broken notebook below must be caught by the check named.


def _broken():
    """A notebook with one of each defect the checks look for."""
    from lesson_cells import code, markdown, notebook, setup_cell, solution

    cells = [
        markdown("# 99 · Broken\n\n## Questions\n\nnone"),
        setup_cell(),
        code("def helper():\n    return 1"),
        code("for x in range(3):\n    print(x)"),
        code("from ipywidgets import interact\ninteract(print, x=1)"),
        code("fig.savefig('figure.png')\n%matplotlib inline"),
        code("\n".join(f"a{i} = {i}" for i in range(9))),
        code("sorted(x for x in range(3))"),
        solution("answer = 42"),
        code("print(answer)"),
        code("# NBVAL_IGNORE_OUTPUT\nshow_figure()", tags=["nbval-skip"]),
        markdown("## Self-check\n\n## Key points\n\n- out of order"),
    ]
    nb = notebook(cells)
    nb.metadata.language_info = {"name": "python", "version": "3.11.7"}
    code_cells = _code(nb)
    for count, cell in enumerate(code_cells, 1):
        cell.execution_count = count
    code_cells[2].execution_count = 7
    code_cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: x")]
    code_cells[3].outputs = [
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg id='a1b2c3d4e5'/>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<div id='f00dfeed1234'></div>"}),
    ]
    code_cells[4].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"})]
    code_cells[4].metadata["execution"] = {"iopub.execute_input": "2025-01-01T00:00:00Z"}
    nb.cells[8].metadata.pop("jupyter")
    nb.metadata.widgets = {WIDGET_STATE: {"state": {
        "0123456789abcdef0123456789abcdef": {"model_name": "FloatSliderModel", "state": {"description": ""}},
        "fedcba9876543210fedcba9876543210": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}]}},
    }}, "version_major": 2, "version_minor": 0}
    return nb


@pytest.mark.parametrize(
    "check, expected",
    [
        (execution_problems, "not 1.."),
        (error_problems, "stderr"),
        (random_output_problems, "image/svg+xml"),
        (random_output_problems, "text/html with a generated id"),
        (metadata_problems, "execution timestamps"),
        (metadata_problems, "language_info"),
        (metadata_problems, "widget model ids"),
        (image_summary_problems, "code cell 5: an image"),
        (image_summary_problems, "Output widget fedcba98"),
        (control_problems, "FloatSliderModel"),
        (source_problems, "def after the setup cell"),
        (source_problems, "for after the setup cell"),
        (source_problems, "interact"),
        (source_problems, "writes files"),
        (source_problems, "a comprehension"),
        (source_problems, "a magic command"),
        (length_problems, "9 lines"),
        (structure_problems, "**Time:**"),
        (structure_problems, "## Questions"),
        (structure_problems, "## Objectives"),
        (structure_problems, "the last sections"),
        (solution_problems, "not collapsed"),
        (solution_problems, "uses ['answer']"),
        (nbval_marker_problems, "nbval comment marker"),
        (nbval_marker_problems, "hide it from strict nbval"),
    ],
)
def test_each_check_catches_its_defect(check, expected):
    problems = check(_broken(), LESSONS / "99_broken.ipynb")
    assert any(expected in problem for problem in problems), problems


def test_a_non_standard_setup_cell_is_caught():
    nb = _broken()
    _code(nb)[0].source = "import margin_lab as ml"
    assert setup_problems(nb, LESSONS / "99_broken.ipynb")


def test_a_solution_left_in_a_student_copy_is_caught():
    problems = solution_problems(_broken(), LESSONS / "student" / "99_broken.ipynb")
    assert any("student copy" in problem for problem in problems)


def test_an_image_with_a_summary_after_it_or_beside_it_passes():
    from lesson_cells import code, notebook

    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 720x360 with 1 Axes>"}
    nb = notebook([code("ml.plot_equity(result)"), code("result.summary()")])
    first, second = _code(nb)
    first.outputs = [nbformat.v4.new_output("display_data", data=png)]
    second.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Equity falls to 0 at 18,000.\n")]
    assert image_summary_problems(nb, LESSONS / "99_ok.ipynb") == []
    second.outputs = []
    first.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="Equity falls to 0 at 18,000.\n"))
    assert image_summary_problems(nb, LESSONS / "99_ok.ipynb") == []

    first.outputs = []
    output_id, label_id = "1" * 32, "2" * 32
    nb.metadata.widgets = {WIDGET_STATE: {"state": {
        output_id: {"model_name": "OutputModel", "state": {"outputs": [{"output_type": "display_data", "data": png, "metadata": {}}]}},
        label_id: {"model_name": "HTMLModel", "state": {"value": "Liquidation at 18,090.45 (9.55 % away)."}},
        "3" * 32: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{output_id}", f"IPY_MODEL_{label_id}"]}},
    }}}
    assert image_summary_problems(nb, LESSONS / "99_ok.ipynb") == []
    nb.metadata.widgets[WIDGET_STATE]["state"][label_id]["state"]["value"] = ""
    assert image_summary_problems(nb, LESSONS / "99_ok.ipynb")
