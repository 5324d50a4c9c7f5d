"""Honest statistics: every Monte Carlo figure a lesson prints carries its standard error (issue 15).

Scans the stored outputs of every lessons/NN_*.ipynb: in a code cell that calls a simulation,
each output line that states a simulated figure (a liquidation share, a loss, an expected
shortfall, a Monte Carlo estimate) must print "±" beside it. Closed-form lines are exempt when
they say so ("closed form"). The last tests feed the check made-up cells to prove it can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
SIMULATING = re.compile(r"\bml\.(own_book|book_table|daily_check|simulate_modes|simulate_book|liquidation_probability"
                        r"|liquidation_curve|mode_table|mode_choice)\(")
FIGURE_WORDS = re.compile(r"any liquidation|all lost|all legs|everything lost|expected loss|expected shortfall|ES 9\d"
                          r"|simulated|Monte Carlo|liquidation ", re.I)
# No event in n paths: the figure is reported as 0 with its 95 % bound 3/n, "0 % (< 0.03%)".
ZERO_WITH_BOUND = re.compile(r"\b0 % \(< [\d.]+ ?%\)")
NUMBER = re.compile(r"\d[\d,]*(\.\d+)?\s*%|\b\d[\d,]*\.?\d*\b")


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "") if output.get("output_type") != "error" else ""


def unreported_errors(cells) -> list[str]:
    """Output lines of simulating cells that state a figure without a ± beside it."""
    problems = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or not SIMULATING.search(cell.get("source", "")):
            continue
        for output in cell.get("outputs", []):
            for line in _text(output).splitlines():
                if "<Figure" in line or "closed form" in line.lower() or "liquidation at" in line:
                    continue
                if "standard error" in line or "±" in line:
                    continue
                if FIGURE_WORDS.search(ZERO_WITH_BOUND.sub("", line)) and NUMBER.search(ZERO_WITH_BOUND.sub("", line)):
                    problems.append(f"cell {index}: {line.strip()[:120]}")
    return problems


def lesson_paths() -> list[Path]:
    return sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.name)
def test_every_simulated_figure_a_lesson_prints_has_its_standard_error_beside_it(path):
    nb = nbformat.read(str(path), as_version=4)
    assert unreported_errors(nb.cells) == []


def test_the_lessons_that_simulate_are_scanned():
    scanned = [p.name for p in lesson_paths()
               if any(SIMULATING.search(c.source) for c in nbformat.read(str(p), as_version=4).cells
                      if c.cell_type == "code")]
    assert "06_choosing_a_mode.ipynb" in scanned


def _cell(source: str, text: str):
    return nbformat.v4.new_code_cell(source, outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)])


def test_a_probability_without_its_error_is_caught():
    cell = _cell("print(ml.simulate_modes(book).summary())", "any liquidation    20.3%    20.3%\n")
    assert unreported_errors([cell]) == ["cell 0: any liquidation    20.3%    20.3%"]


def test_an_expected_shortfall_without_its_error_is_caught_and_one_with_it_passes():
    bad = _cell("print(ml.own_book(legs, 3_000).summary())", "ES 99 % 3,000 and expected loss 12\n")
    good = _cell("print(ml.own_book(legs, 3_000).summary())", "expected loss 12 ± 30, ES 99 % 3,000 ± 0\n")
    assert len(unreported_errors([bad])) == 1
    assert unreported_errors([good]) == []


def test_a_zero_with_its_bound_passes_and_a_bare_zero_is_caught():
    bound = _cell("print(ml.own_book(legs, 3_000).summary())",
                  "any liquidation 0 % (< 0.03%), all legs 0 % (< 0.03%)\n")
    bare = _cell("print(ml.own_book(legs, 3_000).summary())", "any liquidation 0 %, all legs 0 %\n")
    assert unreported_errors([bound]) == []
    assert len(unreported_errors([bare])) == 1


def test_a_closed_form_line_and_a_cell_that_simulates_nothing_are_left_alone():
    closed = _cell("print(ml.daily_check().summary())", "price watched continuously (closed form, exact): 22.79%\n")
    plain = _cell("ml.liquidation_probability_exact('long', 5, 0.005, 0.6, 30)", "any liquidation 22.8%\n")
    assert unreported_errors([closed, plain]) == []
