"""tools/lesson_cells.py: notebooks built from a script are deterministic and follow AUTHORING.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lesson_cells as lc  # noqa: E402
from test_lesson_hygiene import length_problems, setup_problems, structure_problems  # noqa: E402


def _lesson():
    return lc.notebook([
        lc.opening("42 · Example", minutes=15, questions=["Why?"], objectives=["Know why."], intro="An intro."),
        lc.setup_cell(),
        lc.code("ml.notional(1, 20_000)"),
        lc.show_the_math("1 * 20_000"),
        lc.key_points(["Notional is size times price."]),
        lc.self_check("What is the notional of 2 BTC at 20,000?"),
        lc.solution("ml.notional(2, 20_000)", student_source="ml.notional(..., 20_000)"),
    ])


def test_building_the_same_cells_twice_gives_the_same_bytes(tmp_path):
    first = lc.write_notebook(_lesson(), tmp_path / "a.ipynb").read_bytes()
    second = lc.write_notebook(_lesson(), tmp_path / "b.ipynb").read_bytes()
    assert first == second
    assert first.endswith(b"\n") and not first.endswith(b"\n\n")


def test_cell_ids_are_unique_even_for_repeated_cells():
    nb = lc.notebook([lc.code("1 + 1"), lc.code("1 + 1"), lc.markdown("1 + 1")])
    ids = [cell.id for cell in nb.cells]
    assert len(set(ids)) == 3
    assert ids[1] == f"{ids[0]}-2"


def test_a_built_lesson_has_the_structure_the_hygiene_test_wants(tmp_path):
    nb = _lesson()
    path = tmp_path / "42_example.ipynb"
    assert structure_problems(nb, path) == []
    assert setup_problems(nb, path) == []
    assert length_problems(nb, path) == []
    assert "**Time:** 15 minutes" in nb.cells[0].source
    assert nb.metadata.kernelspec == lc.KERNELSPEC and nb.metadata.language_info == {"name": "python"}


def test_a_solution_is_tagged_collapsed_and_keeps_the_student_skeleton():
    cell = lc.solution("answer = 2\nanswer", student_source="answer = ...")
    assert cell.metadata["tags"] == ["solution"]
    assert cell.metadata["jupyter"] == {"source_hidden": True}
    assert cell.metadata["margin_lab"] == {"student_source": "answer = ..."}
    assert lc.show_the_math("1 + 1").metadata["tags"] == ["show-the-math"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"minutes": 0, "questions": ["q"], "objectives": ["o"]}, "minutes must be a whole number > 0, got 0"),
        ({"minutes": 10, "questions": [], "objectives": ["o"]}, "questions must be a non-empty list"),
        ({"minutes": 10, "questions": ["q"], "objectives": "o"}, "objectives must be a non-empty list"),
    ],
)
def test_opening_refuses_a_missing_time_or_empty_lists(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lc.opening("Title", **kwargs)


def test_tags_must_be_a_list_not_a_string():
    with pytest.raises(TypeError, match="tags must be a list"):
        lc.code("1", tags="solution")


def _fake_repository(tmp_path: Path) -> Path:
    package = tmp_path / "repo" / "margin_lab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("def check_setup():\n    print('found', __file__)\n")
    (tmp_path / "repo" / "lessons" / "student").mkdir(parents=True)
    return tmp_path / "repo"


def test_the_setup_cell_finds_margin_lab_by_walking_up_from_the_notebook(tmp_path):
    repo = _fake_repository(tmp_path)
    # -I -S: no current folder, PYTHONPATH or site-packages (where an editable install may sit):
    # margin_lab is reachable only by walking up.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", lc.SETUP_SOURCE], cwd=repo / "lessons" / "student",
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"found {repo.resolve() / 'margin_lab' / '__init__.py'}"


def test_the_setup_cell_fails_plainly_where_there_is_no_margin_lab(tmp_path):
    result = subprocess.run([sys.executable, "-I", "-S", "-c", lc.SETUP_SOURCE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "No module named 'margin_lab'" in result.stderr


def test_the_setup_cell_is_at_most_six_lines():
    assert len(lc.SETUP_SOURCE.splitlines()) <= 6
