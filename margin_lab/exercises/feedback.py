"""The answer-checking core every exercise check shares: a :class:`Feedback` verdict, the
tolerance, the gap in words and the answer as the learner typed it.

A topic's ``check_<thing>`` recomputes the right value with margin_lab's formulas, then builds
its message with :func:`verdict` (or calls :func:`check_number`), so every check reads the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .._checks import require_non_negative, require_number
from ..text import number

__all__ = ["Feedback", "check_number", "close_to", "entered_text", "first_hint", "gap_text", "judge", "matching_hints",
           "no_price", "tolerance_or", "verdict"]


@dataclass(frozen=True, repr=False)
class Feedback:
    """The verdict on one answer: ``correct`` and a ``message`` that explains the gap."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def entered_text(value: float) -> str:
    """The answer as the learner typed it, without float noise: 5 -> '5', 18090.45 -> '18,090.45'."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def close_to(value: float, target: float | None, tolerance: float) -> bool:
    """Whether ``value`` is within ``tolerance`` of ``target`` (never of a missing or infinite target)."""
    return target is not None and math.isfinite(target) and abs(value - target) <= tolerance


def matching_hints(answer: float, expected: float, tolerance: float,
                   slips: Iterable[tuple[float | None, str]]) -> list[str]:
    """The hints of the known slips whose value the answer matches, in order; a slip whose value
    is the right answer itself is never named.

    >>> matching_hints(19_600, 18_090.45, 10, [(19_600, "That is the bankruptcy price."), (None, "never")])
    ['That is the bankruptcy price.']
    """
    return [hint for value, hint in slips
            if close_to(answer, value, tolerance) and not close_to(value, expected, tolerance)]


def first_hint(answer: float, expected: float, tolerance: float, slips: Iterable[tuple[float | None, str]]) -> str:
    """The hint of the first known slip the answer matches, or "" (see :func:`matching_hints`)."""
    return next(iter(matching_hints(answer, expected, tolerance, slips)), "")


def verdict(correct: bool, statement: str, answer: str, gap: str, hint: str, explanation: str) -> Feedback:
    """The message every check gives: right or not, the right value, what was entered, the gap,
    a hint on the likely mistake (only when wrong) and the explanation."""
    if correct:
        parts = [f"Correct: {statement}; you entered {answer}."]
    else:
        parts = [f"Not quite: {statement}; you entered {answer}{gap}."]
        if hint:
            parts.append(hint)
    if explanation:
        parts.append(explanation)
    return Feedback(correct, " ".join(parts))


def judge(answer: float, expected: float, tolerance: float, statement: str, hint: str, explanation: str, *,
          unit: str = "", gap_unit: str | None = None) -> Feedback:
    """The verdict on a number within ``tolerance`` of ``expected``: the answer shown with ``unit``,
    the gap (2 decimals) in ``gap_unit`` (default ``unit``), the hint when it is wrong.

    >>> judge(41, 40, 0.5, "the level is 40.00 %", "Is it a ratio?", "", unit=" %", gap_unit=" points")
    Not quite: the level is 40.00 %; you entered 41 %, 1.00 points too high. Is it a ratio?
    """
    correct = abs(answer - expected) <= tolerance
    gap = gap_text(answer, expected, unit if gap_unit is None else gap_unit, 2)
    return verdict(correct, statement, f"{entered_text(answer)}{unit}", gap, hint, explanation)


def no_price(answer: float, statement: str, explanation: str) -> Feedback:
    """The verdict where no positive price exists: an answer of 0 (or below) is right."""
    return verdict(answer <= 0, statement, entered_text(answer), "", "", explanation)


def gap_text(answer: float, expected: float, unit: str, decimals: int) -> str:
    """', 12.50 USDT too high' (empty when the answer is exact)."""
    difference = answer - expected
    if difference == 0:
        return ""
    return f", {number(abs(difference), decimals)}{unit} too {'high' if difference > 0 else 'low'}"


def tolerance_or(tolerance: float | None, default: float) -> float:
    """The learner's tolerance (>= 0) or the check's default when none is given."""
    return default if tolerance is None else require_non_negative("tolerance", tolerance)


def check_number(
    answer: float,
    expected: float,
    *,
    tolerance: float | None = None,
    what: str = "the answer",
    unit: str = "",
    explanation: str = "",
    decimals: int = 2,
) -> Feedback:
    """Compare a numeric answer with the expected value, within ``tolerance``.

    Parameters
    ----------
    answer : float
        The learner's number; NaN and infinities are refused.
    expected : float
        The right value (computed with margin_lab in the lesson cell).
    tolerance : float, optional
        Largest accepted absolute difference, in the answer's units, >= 0. Default: 0.5 % of
        ``expected`` (at least half of the last shown decimal).
    what : str
        What the number is, for the message ("the initial margin").
    unit : str
        Written after the numbers (" USDT", " %").
    explanation : str
        A sentence added to every verdict: why the value is what it is.
    decimals : int
        Decimals shown for the expected value and the gap.

    Raises
    ------
    ValueError, TypeError
        For a NaN, infinite or non-numeric ``answer`` (naming ``answer``), or a negative
        tolerance.

    Examples
    --------
    >>> check_number(400, 400.0, what="the initial margin", unit=" USDT")
    Correct: the initial margin is 400.00 USDT; you entered 400 USDT.
    >>> check_number(40, 400.0, what="the initial margin", unit=" USDT").correct
    False
    """
    answer = require_number("answer", answer, hint="type a number, e.g. 18090.45")
    expected = require_number("expected", expected)
    default = max(abs(expected) * 0.005, 0.5 * 10.0**-decimals)
    tolerance = tolerance_or(tolerance, default)
    correct = abs(answer - expected) <= tolerance * (1 + 1e-12)
    statement = f"{what} is {number(expected, decimals)}{unit}"
    return verdict(correct, statement, f"{entered_text(answer)}{unit}", gap_text(answer, expected, unit, decimals), "",
                    explanation)
