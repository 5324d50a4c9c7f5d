"""Exercise checks for lesson 4 (managing an isolated position).

Like every module of :mod:`margin_lab.exercises`: each ``check_<thing>`` recomputes the right answer with
margin_lab's formulas, compares it with the learner's number within a tolerance and returns a
:class:`~margin_lab.exercises.Feedback` whose repr is the verdict, naming a common mistake when
the answer matches one.
"""

from __future__ import annotations

from .._checks import require_fee_rate, require_non_negative, require_number, require_positive, require_range
from ..margin import checked_position, collateral_to_survive, liquidation_price
from ..model import Side
from ..text import number, percent
from .feedback import Feedback, close_to, entered_text

__all__ = ["check_margin_to_add"]


def check_margin_to_add(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    maintenance_rate: float,
    move: float,
    *,
    fee_rate: float = 0.0,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the least margin to add so an isolated position lives through a price move.

    Parameters
    ----------
    answer : float
        The learner's amount to add, quote currency.
    side : "long" or "short"
    entry_price, size : float
        EP (quote per base unit) and Q (base units), > 0.
    collateral : float
        The collateral the position already holds, quote currency, > 0.
    maintenance_rate, fee_rate : float
        Fractions in [0, 1), charged on the value at the mark.
    move : float
        The move against the position to survive, a fraction of the entry price in (0, 1):
        0.15 is a 15 % fall for a long, a 15 % rise for a short.
    tolerance : float, optional
        Largest accepted difference, quote currency. Default: 1 % of the answer or 1, whichever
        is larger (the question asks for the least amount: much more is flagged as more than
        needed).
    explanation : str
        A sentence added to every verdict.

    Returns
    -------
    Feedback

    Notes
    -----
    The price to survive is P = EP·(1 − s·move); the collateral needed is
    M* = s·Q·(EP − P·(1 − s·(r + f))) (:func:`margin_lab.plots.collateral_to_survive`,
    REFERENCE.md §1 solved for M), and the answer is max(0, M* − M): with it the liquidation
    price sits exactly at P. Taught in lessons/04_managing_isolated.ipynb.

    Raises
    ------
    ValueError, TypeError
        For a non-numeric, NaN or infinite answer, or settings the formulas refuse.

    Examples
    --------
    The 10x long of REFERENCE.md (1 BTC at 20,000, 2,000 collateral, 0.5 %) and a 15 % drop:

    >>> check_margin_to_add(1_085, "long", 20_000, 1, 2_000, 0.005, move=0.15).correct
    True
    >>> check_margin_to_add(1_000, "long", 20_000, 1, 2_000, 0.005, move=0.15)  # doctest: +ELLIPSIS
    Not quite: ... you entered 1,000, 85.00 too low. ... the bankruptcy price...
    """
    answer = require_number("answer", answer, hint="an amount to add, e.g. 500")
    side, entry_price, size = checked_position(side, entry_price, size)
    collateral = require_positive("collateral", collateral)
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, high_open=True,
                         hint="a fraction, 0.005 = 0.5 %")
    fee = require_fee_rate("fee_rate", fee_rate)
    move = require_range("move", move, 0, 1, low_open=True, high_open=True,
                         hint="a fraction of the entry price: 0.15 for 15 %")
    s = side.sign
    target = entry_price * (1 - s * move)
    needed = collateral_to_survive(side, entry_price, size, target, rate, fee_rate=fee)
    expected = max(0.0, needed - collateral)
    tolerance = max(1.0, 0.01 * expected) if tolerance is None else require_non_negative("tolerance", tolerance)
    correct = close_to(answer, expected, tolerance)

    way = "fall" if side is Side.LONG else "rise"
    statement = (
        f"to live through a {percent(move)} {way} to {number(target)}, the {side.value} needs "
        f"{number(needed)} of collateral, so add {number(expected)} to the {number(collateral)} it holds "
        f"(its liquidation price then sits at {number(target)})"
    )
    if expected == 0:
        now = liquidation_price(side, entry_price, size, collateral, rate, fee_rate=fee)
        statement = (
            f"to live through a {percent(move)} {way} to {number(target)}, the {side.value} needs "
            f"{number(needed)} of collateral and already holds {number(collateral)}, so add 0 ("
            + ("no price liquidates it" if now is None else f"its liquidation price, {number(now)}, is beyond "
               f"{number(target)}") + ")"
        )
    difference = answer - expected
    gap = "" if correct or difference == 0 else (
        f", {number(abs(difference))} too {'high' if difference > 0 else 'low'}")
    hint = ""
    without_maintenance = max(0.0, size * entry_price * move - collateral)
    if correct:
        pass
    elif close_to(answer, needed, tolerance):
        hint = (f"That is the whole collateral the position needs; it already holds {number(collateral)}, "
                "so add only the difference.")
    elif close_to(answer, without_maintenance, tolerance):
        hint = (f"That only keeps the equity above zero at {number(target)} (it moves the bankruptcy price there). "
                f"Liquidation comes earlier, while the maintenance margin, {number(rate * size * target)} at that "
                "price, is still left: add that too.")
    elif close_to(answer, size * entry_price * move, tolerance):
        hint = "That is the loss of the whole move; the collateral already in the position covers part of it."
    elif answer > expected:
        hint = "That is enough to survive, but more than the least amount asked for."
    elif answer >= 0:
        after = liquidation_price(side, entry_price, size, collateral + answer, rate, fee_rate=fee)
        hint = (f"With {entered_text(answer)} added, the liquidation price is {number(after)}: the price reaches it "
                f"before {number(target)}, so the position is liquidated.")
    else:
        hint = "Enter the amount to add as a positive number."
    parts = [("Correct" if correct else "Not quite") + f": {statement}; you entered {entered_text(answer)}{gap}."]
    if hint:
        parts.append(hint)
    if explanation:
        parts.append(explanation)
    return Feedback(correct, " ".join(parts))
