"""Exercise checks for lessons 1 and 2: one position's initial margin, equity, liquidation
price and distance.

Each names the usual slip when the answer matches one: the bankruptcy price instead of the
liquidation price, 1/leverage for the distance, a fraction where a percentage was asked.
"""

from __future__ import annotations

from .._checks import require_choice, require_fee_rate, require_fraction, require_number, require_positive
from .._checks import require_rate_below_initial
from ..margin import (
    bankruptcy_price,
    initial_margin,
    liquidation_distance,
    liquidation_price,
    position_equity,
    unrealized_pnl,
)
from ..model import Basis, Side
from ..text import number, percent, quantity
from .feedback import Feedback, close_to, judge, no_price, tolerance_or

__all__ = [
    "check_liquidation_distance",
    "check_liquidation_price",
    "check_initial_margin",
    "check_equity",
]


def check_liquidation_distance(
    answer_percent: float,
    side: str | Side,
    leverage: float,
    maintenance_rate: float,
    *,
    fee_rate: float = 0.0,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """How far the price can move against an isolated position before liquidation, in percent.

    The position is opened with its initial margin (1/leverage of its value) and maintenance
    charged on the value at the mark; the distance does not depend on the size or the price.

    Parameters
    ----------
    answer_percent : float
        The learner's distance in percent (4.5 for 4.5 %), > 0.
    side : "long" or "short"
    leverage : float
        > 0, with maintenance_rate + fee_rate < 1/leverage.
    maintenance_rate, fee_rate : float
        Fractions (0.005 = 0.5 %).
    tolerance : float, optional
        In percentage points. Default: 0.05 points or 1 % of the answer, whichever is larger,
        so the shortcut 1/L − r (4.50 % at 20x with 0.5 %, exact 4.52 %) counts as right.

    Notes
    -----
    Long: (1/L − r − f) / (1 − r − f); short: (1/L − r − f) / (1 + r + f) (REFERENCE.md §1
    with M = Q·EP/L). Taught in lessons/03_liquidation_mechanics.ipynb.

    References
    ----------
    REFERENCE.md §4: "10x means liquidation after a 10 % move" is wrong; 50x with 0.5 % is 1.5 %.

    Examples
    --------
    >>> check_liquidation_distance(1.5, "long", leverage=50, maintenance_rate=0.005).correct
    True
    >>> check_liquidation_distance(5, "long", leverage=20, maintenance_rate=0.005)  # doctest: +ELLIPSIS
    Not quite: at 20x isolated with 0.5 % maintenance, a long is liquidated after a 4.52 % fall ...
    """
    answer = require_number("answer_percent", answer_percent, hint="a percentage: 4.5 for 4.5 %")
    side = require_choice("side", side, Side)
    leverage = require_positive("leverage", leverage)
    maintenance_rate = require_fraction("maintenance_rate", maintenance_rate)
    fee_rate = require_fee_rate("fee_rate", fee_rate)
    require_rate_below_initial(maintenance_rate, leverage)
    require_rate_below_initial(maintenance_rate, leverage, fee_rate, blame="fee_rate")
    entry, size = 100.0, 1.0
    collateral = initial_margin(size, entry, leverage)
    liquidation = liquidation_price(side, entry, size, collateral, maintenance_rate, fee_rate=fee_rate)
    expected = 100 * liquidation_distance(side, entry, liquidation)
    tolerance = tolerance_or(tolerance, max(0.05, 0.01 * expected))
    shortcut = 100 * (1 / leverage - maintenance_rate - fee_rate)
    move = "fall" if side is Side.LONG else "rise"
    fees = f" and a {percent(fee_rate, 3)} fee" if fee_rate else ""
    statement = (
        f"at {leverage:g}x isolated with {percent(maintenance_rate, 3)} maintenance{fees}, a {side.value} is "
        f"liquidated after a {expected:.2f} % {move} (the shortcut 1/leverage − {'rates' if fee_rate else 'rate'} "
        f"gives {shortcut:.2f} %)"
    )
    hint = ""
    if close_to(answer, 100 / leverage, tolerance) and not close_to(answer, expected, tolerance):
        hint = (
            f"{100 / leverage:.2f} % is 1/leverage: the move that wipes out all the collateral (the bankruptcy "
            "price). Liquidation comes earlier, while the maintenance margin is still there."
        )
    elif close_to(answer * 100, expected, tolerance):
        hint = f"That looks like a fraction: enter a percentage ({expected:.2f}, not {expected / 100:.4f})."
    elif answer < 0:
        hint = "Enter the distance as a positive percentage."
    return judge(answer, expected, tolerance, statement, hint, explanation, unit=" %", gap_unit=" points")


def check_liquidation_price(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    maintenance_rate: float,
    *,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check a liquidation price (quote per base unit) against :func:`margin_lab.liquidation_price`.

    Arguments as for :func:`margin_lab.liquidation_price`. When no positive price liquidates
    the position, the answer 0 counts as right ("none"). Default tolerance: 0.1 % of the price.

    Examples
    --------
    Bybit's example (REFERENCE.md §1): long 1 BTC at 20,000, 400 collateral, 0.5 % of entry value:

    >>> check_liquidation_price(19_700, "long", 20_000, 1, 400, 0.005, basis="entry").correct
    True
    >>> feedback = check_liquidation_price(19_600, "long", 20_000, 1, 400, 0.005, basis="entry")
    >>> feedback.correct, "That is the bankruptcy price" in feedback.message
    (False, True)

    A short of 2 ETH at 3,000 with 600 collateral and 1 %: (3,000 + 300) / (1 + 0.01) = 3,267.33;
    dividing by (1 − 0.01) instead gives 3,333.33:

    >>> check_liquidation_price(3_333.33, "short", 3_000, 2, 600, 0.01)  # doctest: +ELLIPSIS
    Not quite: ... That divides by (1 − r): check the sign of r. ...
    """
    answer = require_number("answer", answer, hint="a price, e.g. 18090.45")
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    expected = liquidation_price(side, entry_price, size, collateral, maintenance_rate, maintenance_amount,
                                 fee_rate, basis)
    bankruptcy = bankruptcy_price(side, entry_price, size, collateral)
    setting = f"the {side.value}'s liquidation price"
    if expected is None:
        statement = f"no positive price liquidates this {side.value} (venues show '--'); enter 0 for none"
        return no_price(answer, statement, explanation)
    tolerance = tolerance_or(tolerance, 0.001 * expected)
    hint = ""
    if close_to(answer, bankruptcy, tolerance):
        hint = (
            "That is the bankruptcy price, where equity reaches zero. Liquidation comes earlier, when equity "
            "falls to the maintenance margin."
        )
    else:
        mirrored = liquidation_price(side.opposite, entry_price, size, collateral, maintenance_rate,
                                     maintenance_amount, fee_rate, basis)
        other = Basis.ENTRY if basis is Basis.MARK else Basis.MARK
        other_basis = liquidation_price(side, entry_price, size, collateral, maintenance_rate, maintenance_amount,
                                        fee_rate, other)
        # The slip of writing (1 + r) for a long or (1 − r) for a short: the same numerator over
        # the denominator with the other sign (mark basis, where the rate sits in the denominator).
        sign = 1 if side is Side.LONG else -1
        rates = maintenance_rate + fee_rate
        flipped = expected * (1 - sign * rates) / (1 + sign * rates) if basis is Basis.MARK else None
        if close_to(answer, mirrored, tolerance):
            hint = f"That is where a {side.opposite.value} would be liquidated: check the direction."
        elif close_to(answer, flipped, tolerance) and not close_to(flipped, expected, tolerance):
            right, wrong = ("1 − r", "1 + r") if side is Side.LONG else ("1 + r", "1 − r")
            sign_text = "−" if side is Side.LONG else "+"
            hint = (
                f"That divides by ({wrong}): check the sign of r. For a {side.value}, P·({right}) = "
                f"EP {sign_text} M/Q, so the formula divides by ({right})."
            )
        elif close_to(answer, other_basis, tolerance) and not close_to(other_basis, expected, tolerance):
            hint = (
                f"That charges maintenance on the {other.value} value; this position's venue charges it on the "
                f"{basis.value} value."
            )
    return judge(answer, expected, tolerance, f"{setting} is {number(expected)}", hint, explanation)


def check_initial_margin(
    answer: float,
    size: float,
    entry_price: float,
    leverage: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check an initial margin (quote currency) against Q·EP / L. Default tolerance: 0.1 %.

    Examples
    --------
    >>> check_initial_margin(400, size=1, entry_price=20_000, leverage=50).correct
    True
    >>> check_initial_margin(20_000, size=1, entry_price=20_000, leverage=50)  # doctest: +ELLIPSIS
    Not quite: ... That is the position's whole value: the initial margin is that value divided by the leverage.

    Forgetting the size (0.5 BTC at 30,000 with 5x: 30,000 / 5 = 6,000 is one BTC's margin):

    >>> check_initial_margin(6_000, size=0.5, entry_price=30_000, leverage=5)  # doctest: +ELLIPSIS
    Not quite: ... That is the margin for 1 unit (price / leverage): multiply by the size, 0.5, ...
    """
    answer = require_number("answer", answer, hint="an amount, e.g. 400")
    expected = initial_margin(size, entry_price, leverage)
    value = size * entry_price
    tolerance = tolerance_or(tolerance, max(0.01, 0.001 * expected))
    hint = ""
    per_unit = entry_price / leverage
    if close_to(answer, value, tolerance):
        hint = "That is the position's whole value: the initial margin is that value divided by the leverage."
    elif size != 1 and close_to(answer, per_unit, tolerance) and not close_to(per_unit, expected, tolerance):
        hint = (f"That is the margin for 1 unit (price / leverage): multiply by the size, {quantity(size)}, "
                "since the position's value is size × price.")
    elif close_to(answer, value * leverage, tolerance * leverage):
        hint = "That multiplies by the leverage: the initial margin divides the position's value by it."
    statement = (
        f"the initial margin for size {quantity(size)} at {number(entry_price)} with {leverage:g}x is "
        f"{number(expected)}"
    )
    return judge(answer, expected, tolerance, statement, hint, explanation)


def check_equity(
    answer: float,
    side: str | Side,
    size: float,
    entry_price: float,
    mark_price: float,
    collateral: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check an isolated position's equity, collateral + s·Q·(P − EP). Default tolerance: 0.1 %.

    Examples
    --------
    >>> check_equity(1_000, "long", size=1, entry_price=20_000, mark_price=19_000, collateral=2_000).correct
    True
    >>> check_equity(-1_000, "long", 1, 20_000, 19_000, 2_000)  # doctest: +ELLIPSIS
    Not quite: ... That is the unrealised P&L alone: equity adds it to the collateral.
    """
    answer = require_number("answer", answer, hint="an amount, e.g. 1000")
    side = require_choice("side", side, Side)
    expected = position_equity(side, size, entry_price, mark_price, collateral)
    pnl = unrealized_pnl(side, size, entry_price, mark_price)
    tolerance = tolerance_or(tolerance, max(0.01, 0.001 * abs(expected)))
    hint = ""
    if close_to(answer, pnl, tolerance) and collateral:
        hint = "That is the unrealised P&L alone: equity adds it to the collateral."
    elif close_to(answer, collateral - pnl, tolerance) and pnl:
        gains = "gains" if side is Side.LONG else "loses"
        hint = f"Check the sign of the P&L: a {side.value} {gains} when the price rises."
    elif close_to(answer, collateral, tolerance) and pnl:
        hint = "That is the collateral alone: add the unrealised P&L at the mark."
    statement = f"the equity at a mark of {number(mark_price)} is {number(expected)}"
    return judge(answer, expected, tolerance, statement, hint, explanation)
