"""A number in prose comes from a cell above it (AUTHORING.md), checked for lessons 05, 06 and 08.

Every number in a markdown cell that carries a thousands separator or decimals ("14,273.33",
"0.025", "19.6") must be found, possibly rounded to the decimals the prose shows or as a percent
(0.196 -> 19.6), among:

* the outputs of the code cells above it (a result the learner has seen);
* any code cell's source or an inline-code span in markdown (an input the lesson types);
* docs/reference.md (a sourced venue fact the prose quotes, such as a fee rate);
* the sources and outputs of another lesson the cell links to (lesson 08's table quotes 09);
* margin_lab's documented asset betas (`ml.ASSET_DEFAULTS`, which lessons name in prose).

Round numbers without decimals ("10 %", "5x") are not checked: they are inputs, not results.
A re-execution that changes an output leaves the old number in the prose, and this test names it.
The last tests feed the check made-up cells to show that it can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import margin_lab as ml

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
CHECKED = ("05_cross_margin.ipynb", "06_choosing_a_mode.ipynb", "08_capstone.ipynb")
PROSE_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])\d+\.\d+(?![\w.])")
ANY_NUMBER = re.compile(r"\d[\d_,]*(?:\.\d+)?(?:e[-+]?\d+)?")
INLINE_CODE = re.compile(r"`[^`]+`")
LINKED_LESSON = re.compile(r"\((\d\d_[a-z_]+\.ipynb)\)")


def _values(text: str) -> set[float]:
    found = set()
    for match in ANY_NUMBER.finditer(text):
        try:
            found.add(float(match.group().rstrip(",").replace("_", "").replace(",", "")))
        except ValueError:
            continue
    return found


def _output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") if output.get("output_type") == "stream"
                     else output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def _found(prose: str, pool: set[float]) -> bool:
    decimals = len(prose.split(".")[1]) if "." in prose else 0
    target = float(prose.replace(",", ""))
    return any(round(scaled, decimals) == target for value in pool for scaled in (value, value * 100, value / 100))


def _lesson_pool(name: str) -> set[float]:
    nb = nbformat.read(LESSONS / name, as_version=4)
    return set().union(*(_values(cell.source + _output_text(cell)) for cell in nb.cells))


def unsupported_numbers(cells, *, extra: set[float] = frozenset()) -> list[str]:
    """The prose numbers of ``cells`` (nbformat cells) found nowhere they may come from."""
    pool = set(extra)
    for cell in cells:
        if cell.cell_type == "code":
            pool |= _values(cell.source)
        else:
            pool |= set().union(set(), *(_values(span) for span in INLINE_CODE.findall(cell.source)))
    problems = []
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            linked = set().union(set(), *(_lesson_pool(name) for name in LINKED_LESSON.findall(cell.source)
                                          if (LESSONS / name).is_file()))
            for match in PROSE_NUMBER.finditer(cell.source):
                if not _found(match.group(), pool | linked):
                    context = cell.source[max(0, match.start() - 40):match.end() + 10].replace("\n", " ")
                    problems.append(f"cell {index}: {match.group()} in '...{context}...'")
        else:
            pool |= _values(_output_text(cell))
    return problems


def _library_facts() -> set[float]:
    return _values((ROOT / "docs" / "reference.md").read_text(encoding="utf-8")) | {
        asset.beta for asset in ml.ASSET_DEFAULTS.values()}


@pytest.mark.parametrize("name", CHECKED)
def test_every_prose_number_comes_from_a_cell_above_or_a_source(name):
    nb = nbformat.read(LESSONS / name, as_version=4)
    assert unsupported_numbers(nb.cells, extra=_library_facts()) == []


def test_a_stale_number_is_caught():
    cells = [nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="liquidation 14,273.33\n")]),
             nbformat.v4.new_markdown_cell("The price moved to 14,272.00.")]
    assert unsupported_numbers(cells) == ["cell 1: 14,272.00 in '...The price moved to 14,272.00....'"]


def test_a_number_above_passes_and_one_below_does_not():
    printed = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="odds 0.19597\n")])
    prose = nbformat.v4.new_markdown_cell("A fall of 19.6 %, or 0.20.")
    assert unsupported_numbers([printed, prose]) == []
    assert unsupported_numbers([prose, printed]) != []
