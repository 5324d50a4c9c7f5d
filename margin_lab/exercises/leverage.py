"""Exercise checks for lesson 1: margin level and margin ratio, the two opposite conventions.

Venues show how close a position is to liquidation with the same two numbers read in
opposite directions (REFERENCE.md §4, "Margin ratio 80 % is safe"):

* margin level = equity / maintenance margin (OKX style): falls to 100 %;
* margin ratio = maintenance margin / equity (Binance style): rises to 100 %.

Each check recomputes the answer with :mod:`margin_lab.margin`, compares it within a tolerance
through :func:`margin_lab.exercises.feedback.check_number`, and, when the answer matches a common
mistake (the other convention, a fraction instead of a percentage, the collateral instead of
the equity, Kraken spot's division by the initial margin), says which.
"""

from __future__ import annotations

from .._checks import require_choice, require_number, require_positive, require_range
from ..margin import maintenance_margin, margin_level, margin_ratio, position_equity
from ..model import Side
from .feedback import Feedback, check_number, close_to

__all__ = ["check_margin_level", "check_margin_ratio"]

_LEVEL = "level"
_RATIO = "ratio"
_NAMES = {
    _LEVEL: ("the margin level (equity / maintenance margin, OKX style)",
             "the margin ratio (maintenance margin / equity, Binance style)"),
    _RATIO: ("the margin ratio (maintenance margin / equity, Binance style)",
             "the margin level (equity / maintenance margin, OKX style)"),
}



def _check(convention: str, answer_percent: float, side: str | Side, size: float, entry_price: float,
           mark_price: float, collateral: float, maintenance_rate: float, tolerance: float | None,
           explanation: str) -> Feedback:
    answer = require_number("answer_percent", answer_percent, hint="a percentage: 312.5 for 312.5 %")
    side = require_choice("side", side, Side)
    collateral = require_positive("collateral", collateral)
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, low_open=True, high_open=True,
                         hint="a fraction, 0.01 = 1 %")
    equity = position_equity(side, size, entry_price, mark_price, collateral)
    requirement = maintenance_margin(size, mark_price, rate)
    if convention == _RATIO and equity <= 0:
        raise ValueError(
            f"mark_price must leave the position some equity for a margin ratio, got {mark_price!r} "
            f"(equity {equity:,.2f}: the ratio is infinite, the position long gone)"
        )
    level = 100 * margin_level(equity, requirement)
    ratio = 100 * margin_ratio(equity, requirement)
    expected, other = (level, ratio) if convention == _LEVEL else (ratio, level)
    if tolerance is None:
        tolerance = max(0.05, 0.005 * abs(expected))
    this, that = _NAMES[convention]

    hint = ""
    if close_to(answer, expected, tolerance):
        pass
    elif close_to(answer, other, max(0.05, 0.005 * abs(other))):
        hint = f"That is {that}: the same two numbers divided the other way round."
    elif close_to(answer * 100, expected, tolerance):
        hint = f"That looks like a fraction: enter a percentage ({expected:.2f}, not {expected / 100:.4f})."
    else:
        from_collateral = 100 * (margin_level(collateral, requirement) if convention == _LEVEL
                                 else margin_ratio(collateral, requirement))
        over_collateral = 100 * equity / collateral
        at_entry_requirement = maintenance_margin(size, entry_price, rate)
        at_entry = 100 * (margin_level(equity, at_entry_requirement) if convention == _LEVEL
                          else margin_ratio(equity, at_entry_requirement))
        if mark_price != entry_price and close_to(answer, at_entry, max(0.05, 0.005 * abs(at_entry))):
            hint = (f"That charges the maintenance margin at the entry price ({at_entry_requirement:,.2f}); it is "
                    f"charged on the value at the mark, {100 * rate:g} % × {size:g} × {mark_price:,.2f} = "
                    f"{requirement:,.2f}.")
        elif close_to(answer, from_collateral, max(0.05, 0.005 * abs(from_collateral))):
            hint = "That uses the collateral in place of the equity: add the unrealised P&L at the mark first."
        elif convention == _LEVEL and close_to(answer, over_collateral, max(0.05, 0.005 * abs(over_collateral))):
            hint = ("That divides the equity by the collateral (Kraken spot's margin level uses the initial, "
                    "'used' margin); here the requirement is the maintenance margin.")
    told = " ".join(part for part in (hint, explanation) if part)
    return check_number(answer, expected, tolerance=tolerance, what=this, unit=" %", explanation=told)


def check_margin_level(
    answer_percent: float,
    side: str | Side,
    size: float,
    entry_price: float,
    mark_price: float,
    collateral: float,
    maintenance_rate: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check a margin level in percent: equity / maintenance margin (OKX style).

    Parameters
    ----------
    answer_percent : float
        The learner's margin level in percent (312.5 for 312.5 %).
    side : "long" or "short"
    size : float
        Base units, > 0.
    entry_price, mark_price : float
        Quote per base unit, > 0.
    collateral : float
        The isolated position's collateral, quote currency, > 0.
    maintenance_rate : float
        Fraction in (0, 1), charged on the value at the mark.
    tolerance : float, optional
        In percentage points. Default: 0.5 % of the right value, at least 0.05 points.
    explanation : str
        A sentence added to every verdict.

    Notes
    -----
    Level = (M + s·Q·(P − EP)) / (r·Q·P); liquidation when it falls to 100 %.
    Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    OKX help 6997123251341; REFERENCE.md §1, §4.

    Examples
    --------
    A 10x short of 2 ETH at 3,000 with 600 collateral, mark 3,200, 1 % maintenance: equity 200,
    maintenance margin 64, level 312.5 %, ratio 32 %.

    >>> check_margin_level(312.5, "short", 2, 3_000, 3_200, 600, 0.01).correct
    True
    >>> check_margin_level(32, "short", 2, 3_000, 3_200, 600, 0.01)  # doctest: +ELLIPSIS
    Not quite: the margin level ... is 312.50 %; you entered 32 %, 280.50 % too low. That is the margin ratio ...

    Charging the maintenance margin at the entry price (1 % × 2 × 3,000 = 60) gives 333.33 %:

    >>> check_margin_level(333.33, "short", 2, 3_000, 3_200, 600, 0.01)  # doctest: +ELLIPSIS
    Not quite: ... That charges the maintenance margin at the entry price (60.00); it is charged on the value ...
    """
    return _check(_LEVEL, answer_percent, side, size, entry_price, mark_price, collateral, maintenance_rate,
                  tolerance, explanation)


def check_margin_ratio(
    answer_percent: float,
    side: str | Side,
    size: float,
    entry_price: float,
    mark_price: float,
    collateral: float,
    maintenance_rate: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check a margin ratio in percent: maintenance margin / equity (Binance style).

    Arguments as for :func:`check_margin_level`; the mark must leave the position some equity
    (at or below zero equity the ratio is infinite), else ``ValueError``.

    Notes
    -----
    Ratio = r·Q·P / (M + s·Q·(P − EP)); liquidation when it rises to 100 %.
    Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    Binance USDⓈ-M FAQ (margin ratio); REFERENCE.md §4.

    Examples
    --------
    >>> check_margin_ratio(32, "short", 2, 3_000, 3_200, 600, 0.01).correct
    True
    >>> "the margin level" in check_margin_ratio(312.5, "short", 2, 3_000, 3_200, 600, 0.01).message
    True
    """
    return _check(_RATIO, answer_percent, side, size, entry_price, mark_price, collateral, maintenance_rate,
                  tolerance, explanation)
