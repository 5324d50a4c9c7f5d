"""Write the student copies: lessons/student/NN_*.ipynb, each lesson without its answers.

A student copy is the executed lesson with every cell tagged ``solution`` replaced:

* its source becomes the exercise skeleton kept in the cell's metadata
  (``"margin_lab": {"student_source": "..."}``), commented out under a line telling the learner
  to remove the ``# `` and fill in the answer, or ``# Your answer here``;
* its outputs are cleared (the execution count stays, so counts still run 1..n) and its tag
  becomes ``exercise``: the stub runs silently, so strict nbval runs every cell of the copy with
  nothing skipped, and every other cell is checked exactly as in the lesson. This works
  because nothing after a solution cell uses a name the solution defines (the answer and its
  check sit in the same cell; tests/test_lesson_hygiene.py enforces it).

A self-check cell (``ml.multiple_choice(...)``, ``ml.predict_then_run(...)``) spells out its
answer in its arguments, so in the copy its code is collapsed (``jupyter.source_hidden``) under a
first line that says so: JupyterLab shows the first line of a collapsed cell, and this one holds
no answer. Only the source changes by one comment line; the outputs (the widget) stay as
executed, so strict nbval checks the cell as in the lesson.

A short note under the title points to the full lesson. The copies are generated, never edited
by hand: ``python tools/execute_lessons.py`` rewrites a lesson's copy after running it, and

    python tools/student_copies.py            # regenerate every copy from the stored lessons
    python tools/student_copies.py --check    # exit 1 if a copy is not current

Copies whose lesson no longer exists are deleted (lessons/student/ holds only generated files).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

from nbformat import NotebookNode
from nbformat import v4

from lesson_cells import SOLUTION_TAG, STUDENT_STUB, notebook_text, read_notebook, write_notebook

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
STUDENT_FOLDER = "student"
EXERCISE_TAG = "exercise"
TURN_LINE = "# Your turn: delete the '# ' in front of each line below, fill in your answer, then run."
MARKDOWN_STUB = "*Your answer here.*"
NOTE_ID = "student-copy-note"
SELF_CHECK = re.compile(r"\b(multiple_choice|predict_then_run)\(")
HIDDEN_LINE = "# Self-check: this code holds the answer, so it stays folded. Answer with the buttons below."


def student_path(lesson_path: Path) -> Path:
    """Where the student copy of ``lesson_path`` lives: lessons/student/<same name>."""
    return lesson_path.parent / STUDENT_FOLDER / lesson_path.name


def student_copy(lesson: NotebookNode, lesson_name: str) -> NotebookNode:
    """Return the student copy of an executed lesson (the lesson itself is not changed)."""
    nb = copy.deepcopy(lesson)
    for cell in nb.cells:
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            _blank_out(cell)
        elif cell.cell_type == "code" and SELF_CHECK.search(cell.source):
            _fold_self_check(cell)
        elif cell.cell_type == "markdown" and "](" in cell.source:
            cell.source = deeper_links(cell.source)
    note = v4.new_markdown_cell(
        f"> **Your copy of the lesson.** Exercise cells are empty: write your answer where it says "
        f"so and run the cell; the check tells you how close you are. In a self-check, pick an option, "
        f"then press its button. Tried and stuck? The worked answers are in "
        f"[{lesson_name}](../{lesson_name})."
    )
    note["id"] = NOTE_ID
    nb.cells.insert(1 if nb.cells else 0, note)
    return nb


LINK_TARGET = re.compile(r"(\]\()([^)\s]+)(\))")
SIBLING_LESSON = re.compile(r"^\d\d_[^/]*\.ipynb(#.*)?$")


def deeper_links(markdown: str) -> str:
    """Links of a lesson's text as seen from lessons/student/, one folder deeper.

    A link to another lesson stays as it is (it now opens that lesson's student copy); any other
    relative link (``../docs/reference.md``, ``GLOSSARY.md#equity``) gains one ``../``.

    >>> deeper_links("[a](../docs/reference.md) [b](GLOSSARY.md#equity) [c](03_x.ipynb) [d](https://x.org) [e](#top)")
    '[a](../../docs/reference.md) [b](../GLOSSARY.md#equity) [c](03_x.ipynb) [d](https://x.org) [e](#top)'
    """
    def fix(match: re.Match) -> str:
        target = match[2]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target, re.I) or SIBLING_LESSON.match(target):
            return match[0]
        return f"{match[1]}../{target}{match[3]}"

    return LINK_TARGET.sub(fix, markdown)


def student_text(lesson_path: Path) -> str:
    """The exact file text the student copy of ``lesson_path`` should have."""
    return notebook_text(student_copy(read_notebook(lesson_path), lesson_path.name))


def write_student_copy(lesson_path: Path) -> Path:
    """Regenerate the student copy of one stored lesson; return its path."""
    lesson_path = Path(lesson_path)
    target = student_path(lesson_path)
    write_notebook(student_copy(read_notebook(lesson_path), lesson_path.name), target)
    return target


def lesson_paths(folder: Path = LESSONS) -> list[Path]:
    """The lessons, in order: lessons/NN_*.ipynb (two digits, an underscore, a name)."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="only report copies that are not current")
    args = parser.parse_args(argv)
    lessons = args.lessons or lesson_paths()
    stale = []
    for lesson in lessons:
        target = student_path(lesson)
        if args.check:
            current = target.is_file() and target.read_text(encoding="utf-8") == student_text(lesson)
            if not current:
                stale.append(target)
        else:
            write_student_copy(lesson)
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    if not args.lessons:
        wanted = {student_path(p) for p in lessons}
        for orphan in sorted((LESSONS / STUDENT_FOLDER).glob("*.ipynb")):
            if orphan not in wanted:
                if args.check:
                    stale.append(orphan)
                else:
                    orphan.unlink()
                    print(f"deleted {orphan.relative_to(ROOT)} (its lesson is gone)")
    for path in stale:
        print(f"not current: {path} (run: python tools/student_copies.py)", file=sys.stderr)
    return 1 if stale else 0


def _blank_out(cell: NotebookNode) -> None:
    skeleton = cell.metadata.get("margin_lab", {}).get("student_source")
    if cell.cell_type == "code":
        cell.source = _commented(skeleton) if skeleton else STUDENT_STUB
        cell.outputs = []
        tags = [EXERCISE_TAG]
    else:
        cell.source = skeleton or MARKDOWN_STUB
        tags = [EXERCISE_TAG]
    others = [t for t in cell.metadata.get("tags", []) if t not in (SOLUTION_TAG, *tags)]
    cell.metadata["tags"] = others + tags
    cell.metadata.pop("margin_lab", None)
    jupyter = cell.metadata.pop("jupyter", {})
    jupyter.pop("source_hidden", None)
    if jupyter:
        cell.metadata["jupyter"] = jupyter


def _fold_self_check(cell: NotebookNode) -> None:
    if not cell.source.startswith(HIDDEN_LINE):
        cell.source = f"{HIDDEN_LINE}\n{cell.source}"
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def _commented(skeleton: str) -> str:
    """The skeleton behind '# ', under one line saying what to do: the stub runs silently, so
    strict nbval checks it like every other cell (no skipped cells)."""
    if all(line.lstrip().startswith("#") or not line.strip() for line in skeleton.splitlines()):
        return skeleton  # already silent: a comment such as "# Your answer here"
    lines = [TURN_LINE] + [f"# {line}" if line.strip() else "#" for line in skeleton.splitlines()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
