"""Exercise checks for lesson 6: the chance that one isolated position is liquidated in time.

:func:`check_liquidation_probability` recomputes the closed form of
:func:`margin_lab.liquidation_probability_exact` and names the usual slips: a fraction typed
where a percentage was asked, the price checked once a day instead of watched continuously (or
the reverse), the chance that the price *ends* beyond the liquidation price instead of
*touching* it, the bankruptcy price in place of the liquidation price, and the other side.
"""

from __future__ import annotations

from .._checks import require_choice, require_number
from ..closed_form import ending_beyond_probability, liquidation_probability_exact
from ..model import Side
from ..text import percent
from .feedback import Feedback, close_to, judge, tolerance_or

__all__ = ["check_liquidation_probability", "ending_beyond_probability"]


def check_liquidation_probability(
    answer_percent: float,
    side: str | Side,
    leverage: float,
    maintenance_rate: float,
    annual_volatility: float,
    days: float,
    *,
    steps_per_day: int | None = None,
    drift: float = 0.0,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the chance (in percent) that one isolated position is liquidated within ``days``.

    Parameters
    ----------
    answer_percent : float
        The learner's answer in percent (58.8 for 58.8 %).
    side, leverage, maintenance_rate, annual_volatility, days, steps_per_day, drift
        As for :func:`margin_lab.liquidation_probability_exact` (None: the price is watched
        continuously, as venues watch the mark price).
    tolerance : float, optional
        In percentage points. Default 1 point: the closed form rounded to a whole percent counts
        as right, a value read roughly off a curve does not.
    explanation : str
        Added to every verdict.

    Notes
    -----
    The collateral is the initial margin (notional / leverage), no fees; see
    :func:`margin_lab.liquidation_probability_exact`. Taught in lessons/06_choosing_a_mode.ipynb.

    References
    ----------
    REFERENCE.md §1 (liquidation price) and §4 ("Isolated means safer").

    Examples
    --------
    >>> check_liquidation_probability(58.8, "long", 10, 0.005, 0.6, 30).correct
    True
    >>> check_liquidation_probability(0.588, "long", 10, 0.005, 0.6, 30)  # doctest: +ELLIPSIS
    Not quite: ... That looks like a fraction: enter a percentage (58.77, not 0.5877).
    """
    answer = require_number("answer_percent", answer_percent, hint="a percentage: 58.8 for 58.8 %")
    side = require_choice("side", side, Side)
    expected = 100 * liquidation_probability_exact(side, leverage, maintenance_rate, annual_volatility, days,
                                                   steps_per_day=steps_per_day, drift=drift)
    tolerance = tolerance_or(tolerance, 1.0)
    watch = "watched continuously" if steps_per_day is None else f"checked {steps_per_day} time(s) a day"
    other_watch = 1 if steps_per_day is None else None
    other = 100 * liquidation_probability_exact(side, leverage, maintenance_rate, annual_volatility, days,
                                                steps_per_day=other_watch, drift=drift)
    ending = 100 * ending_beyond_probability(side, leverage, maintenance_rate, annual_volatility, days, drift=drift)
    bankrupt = 100 * liquidation_probability_exact(side, leverage, 0.0, annual_volatility, days,
                                                   steps_per_day=steps_per_day, drift=drift)
    mirrored = 100 * liquidation_probability_exact(side.opposite, leverage, maintenance_rate, annual_volatility,
                                                   days, steps_per_day=steps_per_day, drift=drift)

    def near(value: float) -> bool:
        return close_to(answer, value, tolerance) and not close_to(answer, expected, tolerance)

    hint = ""
    if near(other):
        hint = ("That is the chance with the price checked once a day: a check misses the dips between two "
                "checks, so it is lower." if steps_per_day is None else
                "That is the chance with the price watched continuously; here it is checked only "
                f"{steps_per_day} time(s) a day, which misses the dips in between.")
    elif near(ending):
        hint = ("That is the chance that the price ENDS the period beyond the liquidation price. A path can touch "
                "it and come back, and the position is gone at the first touch: that is more likely (about twice).")
    elif near(mirrored):
        hint = f"That is the chance for a {side.opposite.value}: check the side."
    elif near(bankrupt):
        hint = ("That is the chance of reaching the bankruptcy price (no maintenance margin). Liquidation comes "
                "earlier, while the maintenance margin is still there, so it is more likely.")
    elif close_to(answer * 100, expected, tolerance):
        hint = f"That looks like a fraction: enter a percentage ({expected:.2f}, not {expected / 100:.4f})."
    statement = (
        f"a {leverage:g}x isolated {side.value} with {percent(maintenance_rate, 3)} maintenance, at "
        f"{percent(annual_volatility, 1)} volatility a year, is liquidated within {days:g} days with probability "
        f"{expected:.2f} % (price {watch})"
    )
    return judge(answer, expected, tolerance, statement, hint, explanation, unit=" %", gap_unit=" points")
