"""Build a lesson notebook from a short Python script, and write notebooks the one canonical way.

Lesson authors keep a small build script OUTSIDE the repository (for example
``/tmp/build_03.py``) that lists the cells with these helpers and writes the notebook; then
``python tools/execute_lessons.py lessons/03_....ipynb`` runs it and stores its outputs. See
lessons/AUTHORING.md for the conventions these helpers encode::

    import sys
    sys.path.insert(0, "/work/main/tools")
    from lesson_cells import code, key_points, markdown, notebook, opening, self_check
    from lesson_cells import setup_cell, show_the_math, solution, write_notebook

    cells = [
        opening("03 · Liquidation mechanics", minutes=30,
                questions=["When exactly is a position liquidated?"],
                objectives=["Compute a liquidation price by hand and with margin_lab."]),
        setup_cell(),
        markdown("A 10x long of 1 BTC at 20,000 with 2,000 collateral:"),
        code('ml.liquidation_price("long", entry_price=20_000, size=1, collateral=2_000, '
             'maintenance_rate=0.005)'),
        key_points(["Liquidation comes before the collateral is gone."]),
        self_check("Where does the same position liquidate at 20x?"),
        solution("ml.liquidation_price(...)", student_source="# Your answer here"),
    ]
    write_notebook(notebook(cells), "/work/main/lessons/03_liquidation_mechanics.ipynb")

Everything here is deterministic: building the same cells twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat import v4

# The first code cell of every lesson (6 lines). It walks up from the notebook's folder to the
# repository holding margin_lab and puts it first on sys.path, so a checkout runs uninstalled
# (elsewhere the installed margin_lab is used); then check_setup() names any missing package.
# It prints nothing.
SETUP_SOURCE = """\
import pathlib, sys  # setup: use margin_lab from this repository, else the installed one
here = pathlib.Path.cwd().resolve()
root = next((p for p in (here, *here.parents) if (p / "margin_lab" / "__init__.py").is_file()), None)
if root is not None and str(root) not in sys.path: sys.path.insert(0, str(root))
import margin_lab as ml
ml.check_setup()"""

# Source a student copy shows in place of a solution cell that carries no skeleton of its own.
STUDENT_STUB = "# Your answer here"

SOLUTION_TAG = "solution"
SHOW_THE_MATH_TAG = "show-the-math"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def markdown(text: str, *, tags: Sequence[str] = ()) -> NotebookNode:
    """A markdown cell; ``text`` is dedented and stripped so it can be a triple-quoted block."""
    cell = v4.new_markdown_cell(textwrap.dedent(text).strip())
    return _tagged(cell, tags)


def code(source: str, *, tags: Sequence[str] = ()) -> NotebookNode:
    """A code cell; ``source`` is dedented and stripped."""
    cell = v4.new_code_cell(textwrap.dedent(source).strip())
    return _tagged(cell, tags)


def setup_cell() -> NotebookNode:
    """The standard setup cell (see ``SETUP_SOURCE``); every lesson's first code cell."""
    return code(SETUP_SOURCE)


def show_the_math(source: str) -> NotebookNode:
    """A code cell allowed to write one formula as plain arithmetic (tag ``show-the-math``).

    Follow it immediately with the library call that gives the same number.
    """
    return code(source, tags=[SHOW_THE_MATH_TAG])


def solution(source: str, *, student_source: str = STUDENT_STUB, markdown_cell: bool = False) -> NotebookNode:
    """An exercise's answer cell: tagged ``solution`` and collapsed in JupyterLab.

    The student copy (tools/student_copies.py) shows ``student_source`` instead, with no output,
    and tells nbval to skip it. So nothing after a solution cell may use a name it defines:
    put the answer and its check in the same cell.
    """
    maker = markdown if markdown_cell else code
    cell = maker(source, tags=[SOLUTION_TAG])
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.metadata["margin_lab"] = {"student_source": textwrap.dedent(student_source).strip()}
    return cell


def opening(
    title: str,
    *,
    minutes: int,
    questions: Sequence[str],
    objectives: Sequence[str],
    intro: str = "",
) -> NotebookNode:
    """The first cell of a lesson: title, time estimate, questions and objectives."""
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        raise ValueError(f"minutes must be a whole number > 0, got {minutes!r}")
    for name, items in (("questions", questions), ("objectives", objectives)):
        if isinstance(items, str) or not items:
            raise ValueError(f"{name} must be a non-empty list of sentences, got {items!r}")
    parts = [f"# {title.strip()}", f"**Time:** {minutes} minutes"]
    if intro.strip():
        parts.append(textwrap.dedent(intro).strip())
    parts.append("## Questions\n" + _bullets(questions))
    parts.append("## Objectives\n" + _bullets(objectives))
    return markdown("\n\n".join(parts))


def key_points(points: Sequence[str]) -> NotebookNode:
    """The ``## Key points`` cell near the end of a lesson."""
    if isinstance(points, str) or not points:
        raise ValueError(f"points must be a non-empty list of sentences, got {points!r}")
    return markdown("## Key points\n\n" + _bullets(points))


def self_check(text: str = "") -> NotebookNode:
    """The ``## Self-check`` heading: the last section; its exercises follow it."""
    body = textwrap.dedent(text).strip()
    return markdown("## Self-check" + (f"\n\n{body}" if body else ""))


def notebook(cells: Iterable[NotebookNode]) -> NotebookNode:
    """A notebook holding ``cells`` with the project's kernel metadata and stable cell ids."""
    nb = v4.new_notebook(cells=list(cells))
    nb.metadata = NotebookNode({"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    assign_stable_ids(nb)
    nbformat.validate(nb)
    return nb


def assign_stable_ids(nb: NotebookNode) -> NotebookNode:
    """Give every cell an id derived from its type and source (not random), in place."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode("utf-8")).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    return nb


def notebook_text(nb: NotebookNode) -> str:
    """The canonical file text: nbformat's JSON (sorted keys, indent 1) and a final newline."""
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb: NotebookNode, path: str | os.PathLike[str]) -> Path:
    """Write ``nb`` to ``path`` as ``notebook_text`` (UTF-8, ``\\n`` line ends); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(notebook_text(nb))
    return target


def read_notebook(path: str | os.PathLike[str]) -> NotebookNode:
    """Read a notebook as nbformat version 4."""
    return nbformat.read(os.fspath(path), as_version=4)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item.strip()}" for item in items)


def _tagged(cell: NotebookNode, tags: Sequence[str]) -> NotebookNode:
    if isinstance(tags, str):
        raise TypeError(f"tags must be a list of strings, got the string {tags!r}")
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell
