"""Exercise checks for lesson 3: the cushion left at liquidation, and tiered liquidation prices.

Each check recomputes the answer with :mod:`margin_lab.margin` and :mod:`margin_lab.tiers`,
compares it within a tolerance through :func:`margin_lab.exercises.feedback.check_number`, and, when a
wrong answer matches a common mistake, says which one:

* the cushion: 0 (REFERENCE.md §4, "Liquidation happens at 0 % margin"), the whole collateral,
  the loss before liquidation, or the maintenance margin at the entry price instead of at the
  liquidation price;
* a tiered liquidation price: the entry bracket kept all the way (REFERENCE.md §4,
  "Maintenance rate is fixed"), its rate without its maintenance amount, or the bankruptcy price.
"""

from __future__ import annotations

from .._checks import require_choice, require_number
from ..margin import bankruptcy_price, liquidation_price, maintenance_margin, position_equity
from ..model import Basis, Side
from ..tiers import MaintenanceSchedule, tiered_liquidation_price
from .feedback import Feedback, check_number, first_hint

__all__ = ["check_liquidation_cushion", "check_tiered_liquidation_price"]


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def check_liquidation_cushion(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    maintenance_rate: float,
    *,
    maintenance_amount: float = 0.0,
    basis: str | Basis = "mark",
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the equity left in an isolated position at its liquidation price (quote currency).

    That equity is the maintenance cushion: the venue steps in while it is still there, and
    keeps it (BitMEX, Bybit: taken over at the bankruptcy price) or returns what its closing
    order leaves (Kraken derivatives). Arguments as for :func:`margin_lab.liquidation_price`.
    Default tolerance: 0.5 % of the cushion, at least 0.01.

    Raises
    ------
    ValueError
        When no positive price liquidates the position (there is no cushion to ask about), or
        for bad input.

    Notes
    -----
    Equity M + s·Q·(P_liq − EP) equals the requirement there: r·Q·P_liq − cum on the mark basis,
    r·Q·EP − cum on the entry basis (REFERENCE.md §1). Taught in
    lessons/03_liquidation_mechanics.ipynb.

    Examples
    --------
    The 10x long of REFERENCE.md's docstring example (1 BTC at 20,000, 2,000 collateral, 0.5 %)
    liquidates at 18,090.45 with 0.5 % of that value, 90.45, still in it:

    >>> check_liquidation_cushion(90.45, "long", 20_000, 1, 2_000, 0.005).correct
    True
    >>> check_liquidation_cushion(0, "long", 20_000, 1, 2_000, 0.005)  # doctest: +ELLIPSIS
    Not quite: the equity left at the liquidation price is 90.45 USDT; you entered 0 USDT, ... not at 0 % ...
    """
    answer = require_number("answer", answer, hint="an amount, e.g. 90.45")
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    at = liquidation_price(side, entry_price, size, collateral, maintenance_rate, maintenance_amount, basis=basis)
    if at is None:
        raise ValueError(
            f"collateral must leave a positive liquidation price for a cushion to exist, got {collateral!r} "
            f"(no positive price liquidates this {side.value})"
        )
    expected = position_equity(side, size, entry_price, at, collateral)
    tolerance = max(0.01, 0.005 * expected) if tolerance is None else tolerance
    at_entry = maintenance_margin(size, entry_price, maintenance_rate, maintenance_amount)
    hint = first_hint(answer, expected, tolerance, [
        (0.0, "Liquidation comes when equity falls to the maintenance margin, not at 0 % margin: this much "
              "is still in the position when the venue takes it over."),
        (collateral, "That is the whole collateral: most of it was lost to the price move before liquidation."),
        (collateral - expected, "That is what the price move cost before liquidation; the cushion is what is "
                                "left of the collateral."),
        (at_entry, "That is the maintenance margin at the entry price; on the mark basis it is charged on the "
                   "value at the liquidation price."),
    ])
    correct = abs(answer - expected) <= tolerance * (1 + 1e-12)
    return check_number(answer, expected, tolerance=tolerance, what="the equity left at the liquidation price",
                        unit=" USDT", explanation=_join("" if correct else hint, explanation))


def check_tiered_liquidation_price(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    schedule: MaintenanceSchedule,
    *,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check a liquidation price under a tiered schedule against
    :func:`margin_lab.tiered_liquidation_price` (the tier re-checked at the liquidation notional).

    Arguments as for :func:`margin_lab.tiered_liquidation_price`. When no positive price
    liquidates the position, the answer 0 counts as right. Default tolerance: 0.1 % of the price.

    Notes
    -----
    The bracket that applies is the one holding the notional Q·P_liq, not the entry notional
    (Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts"; REFERENCE.md §1).
    Taught in lessons/03_liquidation_mechanics.ipynb.

    Examples
    --------
    Binance's example brackets (REFERENCE.md §1): a 30 BTC long at 20,000 with 200,000 (3x)
    enters the 10 % bracket but is liquidated in the 5 % one, at
    (20,000 − (200,000 + 2,500)/30) / (1 − 0.05):

    >>> brackets = MaintenanceSchedule([(0, 0.025), (100_000, 0.05), (500_000, 0.10),
    ...                                 (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)])
    >>> check_tiered_liquidation_price(13_947.37, "long", 20_000, 30, 200_000, brackets).correct
    True
    >>> print(check_tiered_liquidation_price(13_796.30, "long", 20_000, 30, 200_000, brackets).message)
    ... # doctest: +ELLIPSIS
    Not quite: ...; you entered 13,796.3, 151.07 too low. That keeps the entry tier (10 %, amount 27,500) ...

    The right tier (5 %) without its amount, (20,000 − 200,000/30) / (1 − 0.05):

    >>> print(check_tiered_liquidation_price(14_035.09, "long", 20_000, 30, 200_000, brackets).message)
    ... # doctest: +ELLIPSIS
    Not quite: ... That uses tier 2's rate, 5 %, without its maintenance amount (2,500): ...
    """
    answer = require_number("answer", answer, hint="a price, e.g. 13947.37")
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    expected = tiered_liquidation_price(side, entry_price, size, collateral, schedule, fee_rate, basis)
    what = f"the {side.value}'s liquidation price with tiers"
    if expected is None:
        return check_number(answer if answer > 0 else 0.0, 0.0, tolerance=0.0, what=what, decimals=0,
                            explanation=_join("No positive price liquidates it (venues show '--'): enter 0.",
                                              explanation))
    tolerance = 0.001 * expected if tolerance is None else tolerance
    entry = schedule.tier(size * entry_price)
    tiers = list(schedule.tiers)
    kept = liquidation_price(side, entry_price, size, collateral, entry.rate, entry.amount, fee_rate, basis)
    moved = schedule.tier(size * kept) if kept is not None else entry
    no_amount = liquidation_price(side, entry_price, size, collateral, entry.rate, 0.0, fee_rate, basis)
    final = schedule.tier(size * expected)
    final_no_amount = liquidation_price(side, entry_price, size, collateral, final.rate, 0.0, fee_rate, basis)
    hint = first_hint(answer, expected, tolerance, [
        (bankruptcy_price(side, entry_price, size, collateral),
         "That is the bankruptcy price, where equity reaches zero; liquidation comes earlier."),
        (kept, f"That keeps the entry tier ({100 * entry.rate:.4g} %, amount {entry.amount:,.0f}) all the way; at "
               f"that price the notional is {size * (kept or 0):,.0f}, which falls in tier {tiers.index(moved) + 1} "
               f"({100 * moved.rate:.4g} %, amount {moved.amount:,.0f}): recompute with the tier of the notional at "
               "liquidation."),
        (no_amount, f"That uses the entry tier's rate, {100 * entry.rate:.4g} %, without its maintenance amount "
                    f"({entry.amount:,.0f}), which the formula adds to the collateral."),
        (final_no_amount if final.amount else None,
         f"That uses tier {tiers.index(final) + 1}'s rate, {100 * final.rate:.4g} %, without its maintenance amount "
         f"({final.amount:,.0f}): a tier's amount goes with its rate, added to the collateral "
         f"((M + amount) / Q)."),
    ])
    correct = abs(answer - expected) <= tolerance * (1 + 1e-12)
    return check_number(answer, expected, tolerance=tolerance, what=what,
                        explanation=_join("" if correct else hint, explanation))
