"""Student copies: current for every lesson, answers gone, everything else exactly as executed."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
sys.path.insert(0, str(ROOT / "tools"))

import student_copies  # noqa: E402
from lesson_cells import STUDENT_STUB, code, markdown, notebook, setup_cell, solution, write_notebook  # noqa: E402

LESSON_PATHS = student_copies.lesson_paths(LESSONS)


@pytest.mark.parametrize("lesson", LESSON_PATHS, ids=[p.name for p in LESSON_PATHS])
def test_every_student_copy_is_current(lesson):
    copy_path = student_copies.student_path(lesson)
    assert copy_path.is_file(), f"missing {copy_path}: run python tools/student_copies.py"
    assert copy_path.read_text(encoding="utf-8") == student_copies.student_text(lesson), (
        f"{copy_path.name} is stale: run python tools/execute_lessons.py {lesson.relative_to(ROOT)}"
    )


def test_no_student_copy_is_left_without_its_lesson():
    lessons = {p.name for p in LESSON_PATHS}
    orphans = [p.name for p in (LESSONS / "student").glob("*.ipynb") if p.name not in lessons]
    assert not orphans, f"student copies without a lesson: {orphans}"


def _executed_lesson():
    """A small lesson as execute_lessons would store it (counts and outputs filled in)."""
    nb = notebook([
        markdown("# 42 · Example\n\n**Time:** 5 minutes"),
        setup_cell(),
        code("price = 100"),
        solution("round(price * 1.1, 2)", student_source="round(price * ..., 2)"),
        solution("price * 2"),
        solution("The answer is **110**.", markdown_cell=True),
        code("price + 1"),
    ])
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": str(count)}, execution_count=count)]
    return nb


def test_a_solution_becomes_its_commented_skeleton_which_runs_silently_under_nbval():
    student = student_copies.student_copy(_executed_lesson(), "42_example.ipynb")
    skeleton = student.cells[4]
    assert skeleton.source == student_copies.TURN_LINE + "\n# round(price * ..., 2)"
    assert skeleton.outputs == []
    assert skeleton.metadata["tags"] == ["exercise"]
    assert all(line.startswith("#") for line in skeleton.source.splitlines())
    assert "jupyter" not in skeleton.metadata and "margin_lab" not in skeleton.metadata
    assert skeleton.execution_count == 3


def test_a_solution_without_a_skeleton_shows_the_stub():
    student = student_copies.student_copy(_executed_lesson(), "42_example.ipynb")
    assert student.cells[5].source == STUDENT_STUB


def test_a_markdown_answer_is_replaced_and_not_tagged_for_nbval():
    student = student_copies.student_copy(_executed_lesson(), "42_example.ipynb")
    answer = student.cells[6]
    assert answer.cell_type == "markdown"
    assert "110" not in answer.source
    assert answer.metadata["tags"] == ["exercise"]


def test_every_other_cell_is_kept_exactly_and_a_note_links_to_the_lesson():
    lesson = _executed_lesson()
    student = student_copies.student_copy(lesson, "42_example.ipynb")
    note = student.cells.pop(1)
    assert "[42_example.ipynb](../42_example.ipynb)" in note.source
    kept = [(a, b) for a, b in zip(lesson.cells, student.cells) if "solution" not in a.metadata.get("tags", [])]
    assert len(kept) == 4
    assert all(a == b for a, b in kept)
    assert len(student.cells) == len(lesson.cells)


def test_making_a_student_copy_leaves_the_lesson_unchanged():
    lesson = _executed_lesson()
    before = copy.deepcopy(lesson)
    student_copies.student_copy(lesson, "42_example.ipynb")
    assert lesson == before


def test_check_mode_reports_a_stale_copy_and_writing_mends_it(tmp_path, capsys):
    lesson = write_notebook(_executed_lesson(), tmp_path / "42_example.ipynb")
    assert student_copies.main(["--check", str(lesson)]) == 1
    assert student_copies.main([str(lesson)]) == 0
    assert student_copies.main(["--check", str(lesson)]) == 0
    target = tmp_path / "student" / "42_example.ipynb"
    target.write_text(target.read_text(encoding="utf-8").replace("round(price * ..., 2)", "round(price * 1.1, 2)"), encoding="utf-8")
    assert student_copies.main(["--check", str(lesson)]) == 1
    assert "not current" in capsys.readouterr().err


def test_a_self_check_s_code_is_folded_under_a_first_line_without_the_answer():
    lesson = _executed_lesson()
    quiz = code('right = "b"\nml.multiple_choice("Q?", ["a", right], answer=right, explanation="Because.")')
    quiz.execution_count, quiz.outputs = 9, [nbformat.v4.new_output("display_data", data={"text/plain": "Multiple choice"})]
    lesson.cells.append(quiz)
    student = student_copies.student_copy(lesson, "42_example.ipynb")
    folded = student.cells[-1]
    first, *rest = folded.source.splitlines()
    assert first == student_copies.HIDDEN_LINE and "answer" in first and '"b"' not in first
    assert "\n".join(rest) == quiz.source, "only a comment line is added: the cell runs the same"
    assert folded.metadata["jupyter"]["source_hidden"] is True
    assert folded.outputs == quiz.outputs and folded.execution_count == 9
    assert student_copies.student_copy(student, "42_example.ipynb").cells[-1].source == folded.source, "idempotent"
