"""Nothing a learner opens first shows an answer before they try.

The design: every learner-facing link (README tables, Binder and Colab badges, nbgitpuller links
from ``python -m margin_lab.links``, ``make lab``) opens the exercise copies in lessons/student/;
the lessons with their worked answers (lessons/) are for instructors (``--solutions``) and for
strict nbval. The static site shows the lessons with every answer folded in a closed
``<details>``.

What counts as an answer is taken from the lessons themselves, not from the code under test:
the source and output text of every cell tagged ``solution``, and the ``answer``,
``explanation`` and ``why_not`` arguments of every self-check call (read with ``ast`` here).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from margin_lab.links import LESSONS, links_report, readme_block

ROOT = Path(__file__).resolve().parents[1]
LESSON_PATHS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SELF_CHECK = re.compile(r"\b(multiple_choice|predict_then_run)\(")
VERDICTS = ("Correct:", "Not quite:", "✔", "✘", "&#10004;", "&#10008;")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _output_text(output: dict) -> str:
    parts = [_text(output.get("text", "")), _text(output.get("evalue", ""))]
    parts += [_text(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def _phrases(text: str) -> set[str]:
    """Distinctive lines of an answer: long enough that they cannot occur by chance."""
    lines = {" ".join(line.strip(" #*>-").split()) for line in re.split(r"[\n.]", text)}
    return {line for line in lines if len(line) >= 25}


def _keyword_strings(source: str, names: tuple[str, ...]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in (
                "multiple_choice", "predict_then_run"):
            for keyword in node.keywords:
                if keyword.arg in names:
                    # why_not's keys are options, shown with the question: only its values explain.
                    value = keyword.value
                    parts = value.values if isinstance(value, ast.Dict) else [value]
                    for inner in (n for part in parts for n in ast.walk(part)):
                        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                            found.add(inner.value)
    return found


def answers_of(lesson: Path) -> tuple[set[str], set[str]]:
    """(phrases of solution cells, explanations of self-checks) of a lesson with answers.

    A phrase the lesson also shows outside its solutions (a check's standard wording, the
    exercise skeleton in ``metadata.margin_lab.student_source`` that the student copy shows on
    purpose, an output an explorer prints anyway) is no answer and is left out."""
    solutions, explanations, public = set(), set(), []
    for cell in _cells(lesson):
        source = _text(cell["source"])
        outputs = [_output_text(output) for output in cell.get("outputs", [])]
        if "solution" in cell["metadata"].get("tags", []):
            public.append(cell["metadata"].get("margin_lab", {}).get("student_source", ""))
            for text in (source, *outputs):
                solutions |= _phrases(text)
        else:
            public += [source, *outputs]
            if cell["cell_type"] == "code" and SELF_CHECK.search(source):
                explanations |= {s for s in _keyword_strings(source, ("explanation", "why_not")) if len(s) >= 25}
    shown_anyway = " ".join(" ".join(line.strip(" #").split()) for text in public for line in text.splitlines())
    return {p for p in solutions if p not in shown_anyway}, explanations


# --- the student copies -------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSON_PATHS, ids=lambda p: p.stem)
def test_a_student_copy_shows_no_solution_and_no_self_check_answer(lesson):
    student = ROOT / "lessons" / "student" / lesson.name
    cells = _cells(student)
    solutions, explanations = answers_of(lesson)
    assert solutions, f"{lesson.name}: the lesson should have solution cells to hide"
    visible = []
    for cell in cells:
        hidden = cell["metadata"].get("jupyter", {}).get("source_hidden", False)
        source = _text(cell["source"])
        assert "solution" not in cell["metadata"].get("tags", []), f"{student.name}: a solution cell is left"
        if cell["cell_type"] == "code" and SELF_CHECK.search(source):
            assert hidden, f"{student.name}: a self-check's code (which names its answer) is not folded"
            first = source.splitlines()[0]
            assert not any(s in first for s in _keyword_strings(source, ("answer",))), \
                f"{student.name}: the folded first line shows the answer: {first!r}"
        elif not hidden:
            visible.append(source)
        visible += [_output_text(o) for o in cell.get("outputs", [])]
        if "exercise" in cell["metadata"].get("tags", []):
            assert cell.get("outputs", []) == [], f"{student.name}: an exercise cell keeps an output"
    shown = "\n".join(" ".join(text.split()) for text in visible)
    leaked = sorted(p for p in solutions | explanations if p in shown)
    assert not leaked, f"{student.name} shows answers before the learner acts: {leaked[:3]}"


@pytest.mark.parametrize("lesson", LESSON_PATHS, ids=lambda p: p.stem)
def test_a_student_copy_stores_no_self_check_verdict_in_its_widget_state(lesson):
    notebook = json.loads((ROOT / "lessons" / "student" / lesson.name).read_text(encoding="utf-8"))
    state = notebook["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    html_values = [m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"]
    assert not [v for v in html_values if any(verdict in v for verdict in VERDICTS)]


# --- every learner-facing link ------------------------------------------------------------------

def _notebook_targets(text: str) -> list[str]:
    """Every notebook a markdown text or a list of URLs opens, as a path."""
    targets = re.findall(r"[\w./%-]*?\.ipynb", unquote(unquote(text)))
    return [t for t in targets if re.search(r"\d\d_\w+\.ipynb$", t)]


@pytest.mark.parametrize("readme", ["README.md", "lessons/README.md"])
def test_the_readme_tables_and_badges_open_only_student_copies(readme):
    text = (ROOT / readme).read_text(encoding="utf-8")
    block = text.split("<!-- links:start -->")[1].split("<!-- links:end -->")[0]
    targets = _notebook_targets(block)
    assert len(targets) >= 3 * len(LESSONS) + 2  # local link, Binder, Colab per lesson; two badges
    wrong = [t for t in targets if "student/" not in t]
    assert not wrong, f"{readme} opens lessons with answers: {wrong[:3]}"
    for target in re.findall(r"\]\(((?:lessons/)?student/[^)#]+\.ipynb)\)", block):
        assert (ROOT / Path(readme).parent / target).is_file(), target


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_the_class_links_open_student_copies_unless_the_instructor_asks_for_solutions(fmt):
    default = _notebook_targets(links_report("https://hub.example.edu", format=fmt))
    assert len(default) == 3 * len(LESSONS) + 2 and all("lessons/student/" in t for t in default)
    teacher = _notebook_targets(links_report("https://hub.example.edu", format=fmt, solutions=True))
    assert teacher and not any("student/" in t for t in teacher)
    assert all("lessons/student/" in t for t in _notebook_targets(readme_block()))


def test_make_lab_and_make_links_open_student_copies():
    outside_make = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    lab = subprocess.run(["make", "--no-print-directory", "-n", "lab", "-o", ".venv/.installed", "EUID=1000"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, env=outside_make).stdout.splitlines()[-1]
    assert lab.endswith("lessons/student/00_start_here.ipynb")
    links = subprocess.run(["make", "--no-print-directory", "-n", "links", "HUB=https://hub.example.edu"],
                           capture_output=True, text=True, cwd=ROOT, timeout=60, env=outside_make).stdout
    assert "--student" in links and "--solutions" not in links


# --- the static site ----------------------------------------------------------------------------

def _render_tool():
    spec = importlib.util.spec_from_file_location("render_html", ROOT / "tools" / "render_html.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "render_html.py"), "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow  # renders the whole site (about 25 s)
@pytest.mark.parametrize("lesson", LESSON_PATHS, ids=lambda p: p.stem)
def test_a_site_page_shows_answers_only_inside_closed_details(lesson, site):
    soup = BeautifulSoup((site / f"{lesson.stem}.html").read_text(encoding="utf-8"), "html.parser")
    details = soup.find_all("details")
    assert details and not [d for d in details if d.has_attr("open")], "every answer starts folded"
    inside = " ".join(" ".join(d.get_text(" ").split()) for d in details)
    for d in details:
        d.decompose()
    outside = " ".join(soup.get_text(" ").split())
    solutions, explanations = answers_of(lesson)
    leaked = sorted(p for p in solutions | explanations if p in outside)
    assert not leaked, f"{lesson.stem}.html shows answers outside a closed <details>: {leaked[:3]}"
    missing = sorted(p for p in explanations if p not in inside)
    assert not missing, f"{lesson.stem}.html lacks the explanations of its self-checks: {missing[:3]}"
    cells = _cells(lesson)
    n_checks = sum(len(SELF_CHECK.findall(_text(c["source"]))) for c in cells if c["cell_type"] == "code")
    assert len(BeautifulSoup((site / f"{lesson.stem}.html").read_text(encoding="utf-8"), "html.parser")
               .select("details.mlab-answer")) == n_checks
