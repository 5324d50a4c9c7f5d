"""Exercise checks for lesson 5: the cross liquidation price, backed by the whole wallet.

:func:`check_cross_liquidation_price` recomputes Binance's cross (one-way) liquidation price
with :func:`margin_lab.liquidation_price`, the collateral M being the wallet minus the other
cross positions' maintenance margin plus their unrealised P&L (Binance's TMM₁ and UPNL₁), and
names the usual slips: the wallet alone, a forgotten term, a sign, the bankruptcy price, or the
isolated price that the leverage setting would give.
"""

from __future__ import annotations

from .._checks import require_choice, require_number, require_positive
from ..margin import bankruptcy_price, cross_collateral, initial_margin, liquidation_price
from ..model import Basis, Side
from ..text import number
from .feedback import Feedback, judge, matching_hints, no_price, tolerance_or

__all__ = ["check_cross_liquidation_price", "cross_collateral"]


def check_cross_liquidation_price(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    maintenance_rate: float,
    *,
    balance: float,
    other_maintenance: float = 0.0,
    other_pnl: float = 0.0,
    maintenance_amount: float = 0.0,
    basis: str | Basis = "mark",
    leverage: float | None = None,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check a cross liquidation price: REFERENCE.md §1 with M = WB − TMM₁ + UPNL₁.

    Parameters
    ----------
    answer : float
        The learner's price, quote per base unit (0 for "no price liquidates it").
    side, entry_price, size, maintenance_rate, maintenance_amount, basis
        The position, as for :func:`margin_lab.liquidation_price`.
    balance, other_maintenance, other_pnl
        The wallet and the other cross positions' maintenance margin and unrealised P&L (see
        :func:`cross_collateral`).
    leverage : float, optional
        The position's leverage setting; only used to recognise the isolated price (collateral
        = initial margin) as a wrong answer. It does not change the cross price.
    tolerance : float, optional
        Largest accepted difference. Default: 0.1 % of the price.
    explanation : str
        Added to every verdict.

    Notes
    -----
    P_liq = (EP − s·(M + cum)/Q) / (1 − s·r) at the mark (entry basis: EP − s·(M − r·Q·EP)/Q).
    Taught in lessons/05_cross_margin.ipynb.

    References
    ----------
    Binance FAQ (USDⓈ-M liquidation price, TMM₁ and UPNL₁); REFERENCE.md §1 worked examples.

    Examples
    --------
    BitMEX cross (REFERENCE.md §1): wallet 10,000, long 20 ETH at 1,000, 1 % of the entry value:

    >>> check_cross_liquidation_price(510, "long", 1_000, 20, 0.01, balance=10_000, basis="entry").correct
    True

    Binance one-way (REFERENCE.md §1): ETHUSDT long 3,683.979 at 1,456.84, MMR 10 %, cum 135,365:

    >>> check_cross_liquidation_price(1_114.78, "long", 1_456.84, 3_683.979, 0.10, balance=1_535_443.01,
    ...                               maintenance_amount=135_365).correct
    True

    Forgetting the other position's loss:

    >>> feedback = check_cross_liquidation_price(10_050.25, "long", 20_000, 1, 0.005, balance=10_000,
    ...                                          other_maintenance=55, other_pnl=-1_000)
    >>> feedback.correct, "the wallet alone" in feedback.message
    (False, True)

    Taking the position's own initial margin (2,000 at 10x) off the backing as well:

    >>> feedback = check_cross_liquidation_price(13_120.60, "long", 20_000, 1, 0.005, balance=10_000,
    ...                                          other_maintenance=55, other_pnl=-1_000, leverage=10)
    >>> feedback.correct, "own initial margin" in feedback.message
    (False, True)
    """
    answer = require_number("answer", answer, hint="a price, e.g. 11110.55")
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    collateral = cross_collateral(balance, other_maintenance, other_pnl)

    def price_with(m: float, s: Side = side) -> float | None:
        return liquidation_price(s, entry_price, size, m, maintenance_rate, maintenance_amount, 0.0, basis)

    expected = price_with(collateral)
    backing = (f"M = wallet {number(balance)} − other maintenance {number(other_maintenance)} + other P&L "
               f"{number(other_pnl)} = {number(collateral)}")
    if expected is None:
        statement = f"no positive price liquidates this cross {side.value} ({backing}); enter 0 for none"
        return no_price(answer, statement, explanation)
    tolerance = tolerance_or(tolerance, 0.001 * expected)
    statement = f"the cross {side.value}'s liquidation price is {number(expected)} ({backing})"
    correct = abs(answer - expected) <= tolerance
    hint = "" if correct else _hint(answer, tolerance, expected, price_with, side, balance, other_maintenance,
                                    other_pnl, collateral, entry_price, size, maintenance_rate, leverage)
    return judge(answer, expected, tolerance, statement, hint, explanation)


def _hint(answer, tolerance, expected, price_with, side, balance, other_maintenance, other_pnl, collateral,
          entry_price, size, maintenance_rate, leverage) -> str:
    """The known slips the answer matches (at most two; each must differ from the right price)."""
    candidates = []
    if other_maintenance or other_pnl:
        candidates.append((price_with(balance), "That uses the wallet alone: in cross the other positions count "
                           "too, their unrealised P&L added and their maintenance margin taken off."))
    if other_maintenance:
        candidates.append((price_with(balance + other_pnl), "That leaves out the other positions' maintenance "
                           "margin, which the pool must keep for them (Binance's TMM₁)."))
    if other_pnl:
        candidates.append((price_with(balance - other_maintenance), "That leaves out the other positions' "
                           "unrealised P&L (Binance's UPNL₁): their loss is already eating the wallet."))
        if balance - other_maintenance - other_pnl > 0:
            candidates.append((price_with(balance - other_maintenance - other_pnl), "Check the sign of the other "
                               "P&L: a loss makes M smaller, a gain larger."))
    candidates.append((bankruptcy_price(side, entry_price, size, collateral), "That is the bankruptcy price, "
                       "where the backing equity reaches zero; liquidation comes at the maintenance margin, earlier."))
    candidates.append((price_with(collateral, side.opposite), f"That is where a {side.opposite.value} would be "
                       "liquidated: check the direction."))
    if leverage is not None:
        isolated = price_with(initial_margin(size, entry_price, require_positive("leverage", leverage)))
        candidates.append((isolated, f"That is the isolated price with the initial margin at {leverage:g}x as "
                           "collateral. In cross the leverage setting does not decide the backing: the wallet does."))
        own = initial_margin(size, entry_price, leverage)
        candidates.append((price_with(collateral - own) if collateral > own else None,
                           f"That also takes the position's own initial margin ({number(own)}) off the wallet. In "
                           "cross that margin never left the wallet balance: M is the wallet less the other "
                           "positions' maintenance, plus their P&L, and nothing for this position itself."))
    found = matching_hints(answer, expected, tolerance, candidates)
    # Two slips can land on nearly the same number (forgetting 55 of maintenance vs the bankruptcy
    # price); name both rather than guess.
    return " Or: ".join(found[:2])
