"""Exercise checks for setting up an isolated position: the most it can cost, and the
liquidation price after adding margin.

Like every module of :mod:`margin_lab.exercises`, each ``check_<thing>`` recomputes the right answer with
margin_lab's own formulas, compares it with the learner's number within a tolerance and returns
a :class:`~margin_lab.exercises.Feedback` whose repr is the verdict, naming the common slip when
the answer matches one. :func:`margin_added` is the before-and-after of adding margin, shown by
a "predict, then run" question.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import opens_before_liquidation, require_choice, require_fee_rate, require_non_negative, require_number, require_positive
from ..margin import bankruptcy_price, liquidation_distance, liquidation_price
from ..model import Basis, Side
from ..text import amount, number, percent, price, quantity
from .feedback import Feedback, close_to, judge, no_price, tolerance_or

__all__ = ["check_max_loss", "check_liquidation_after_margin", "MarginAdded", "margin_added"]


def check_max_loss(
    answer: float,
    collateral: float,
    leverage: float,
    *,
    fee_rate: float = 0.0,
    balance: float | None = None,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the most an isolated position can cost: its collateral plus the opening fee.

    Parameters
    ----------
    answer : float
        The learner's amount, quote currency.
    collateral : float
        Isolated margin allocated, quote currency, > 0.
    leverage : float
        > 0; the position's value is collateral × leverage.
    fee_rate : float
        Taker fee on opening, a fraction of the position's value in [0, 1).
    balance : float, optional
        The wallet before opening; only used to spot the answer "the whole wallet".
    tolerance : float, optional
        In quote currency. Default: 0.01 or 0.1 % of the right amount, whichever is larger.

    Notes
    -----
    At risk = M + fee·M·L, as :attr:`margin_lab.plots.IsolatedAllocation.at_risk`: an isolated
    liquidation takes at most the collateral, cushion included where the venue forfeits it, and
    the fee is already paid; the rest of the wallet is untouched. Taught in
    lessons/02_isolated_setup.ipynb.

    References
    ----------
    REFERENCE.md §3 ("Only the isolated amount is at risk": right, plus fees; the maintenance
    cushion is usually forfeited).

    Examples
    --------
    >>> check_max_loss(2_010, collateral=2_000, leverage=10, fee_rate=0.0005).correct
    True
    >>> check_max_loss(2_000, collateral=2_000, leverage=10, fee_rate=0.0005)  # doctest: +ELLIPSIS
    Not quite: ... That is the collateral alone: the opening fee (10.00) left the wallet too.
    """
    answer = require_number("answer", answer, hint="an amount, e.g. 2010")
    collateral = require_positive("collateral", collateral)
    leverage = require_positive("leverage", leverage)
    fee_rate = require_fee_rate("fee_rate", fee_rate)
    balance = None if balance is None else require_positive("balance", balance)
    value = collateral * leverage
    fee = fee_rate * value
    expected = collateral + fee
    tolerance = tolerance_or(tolerance, max(0.01, 0.001 * expected))
    hint = ""
    if fee and close_to(answer, collateral, tolerance):
        hint = f"That is the collateral alone: the opening fee ({number(fee)}) left the wallet too."
    elif balance is not None and close_to(answer, balance, tolerance):
        hint = ("That is the whole wallet: what a cross position can put at risk. Isolated caps the loss at "
                "its own collateral.")
    elif close_to(answer, value, tolerance):
        hint = ("That is the position's value. With isolated margin the venue closes the position before "
                "the loss passes the collateral.")
    elif fee and close_to(answer, collateral + 2 * fee, tolerance):
        hint = "That adds a closing fee: a liquidation charges none here; the forfeited cushion stands in for it."
    statement = (f"an isolated position with {number(collateral)} of collateral at {leverage:g}x "
                 f"({percent(fee_rate, 3)} fee on {number(value)}) can cost at most {number(expected)}")
    return judge(answer, expected, tolerance, statement, hint, explanation)


def check_liquidation_after_margin(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    added: float,
    maintenance_rate: float,
    *,
    basis: str | Basis = "mark",
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the liquidation price of an isolated position after ``added`` more margin.

    Arguments as for :func:`margin_lab.liquidation_price`, with the collateral before adding
    and ``added`` (quote currency, >= 0). Default tolerance: 0.1 % of the price.

    Notes
    -----
    P_liq = (EP − s·(M + added)/Q) / (1 − s·r) on the mark basis (REFERENCE.md §1): more
    collateral moves the price away from the entry. Taught in lessons/02_isolated_setup.ipynb.

    References
    ----------
    REFERENCE.md §1; §3 ("Add margin" and "reduce leverage" are the same act on an open
    isolated position).

    Examples
    --------
    The 10x long of REFERENCE.md (1 BTC at 20,000, 2,000 collateral, 0.5 %) with 500 more:

    >>> check_liquidation_after_margin(17_587.94, "long", 20_000, 1, 2_000, 500, 0.005).correct
    True
    >>> check_liquidation_after_margin(18_090.45, "long", 20_000, 1, 2_000, 500, 0.005)  # doctest: +ELLIPSIS
    Not quite: ... That is the liquidation price before adding: ...
    """
    answer = require_number("answer", answer, hint="a price, e.g. 17587.94")
    side = require_choice("side", side, Side)
    added = require_non_negative("added", added)
    basis = require_choice("basis", basis, Basis)
    after = collateral + added
    expected = liquidation_price(side, entry_price, size, after, maintenance_rate, basis=basis)
    before = liquidation_price(side, entry_price, size, collateral, maintenance_rate, basis=basis)
    setting = f"after adding {number(added)} the {side.value}'s liquidation price"
    if expected is None:
        statement = f"{setting} is none: no positive price liquidates it (enter 0)"
        return no_price(answer, statement, explanation)
    tolerance = tolerance_or(tolerance, 0.001 * expected)
    slips = [
        (before, "That is the liquidation price before adding: the added margin joins the collateral, "
                 f"{number(collateral)} + {number(added)} = {number(after)}."),
        (bankruptcy_price(side, entry_price, size, after),
         "That is the bankruptcy price, where the new collateral is gone; liquidation comes earlier, at the "
         "maintenance margin."),
        (liquidation_price(side, entry_price, size, max(collateral - added, 1e-9), maintenance_rate, basis=basis)
         if opens_before_liquidation(collateral=collateral - added, notional=size * entry_price,
                                     maintenance_rate=maintenance_rate) else None,
         "That takes the margin away: adding margin moves the liquidation price away from the entry."),
        (liquidation_price(side.opposite, entry_price, size, after, maintenance_rate, basis=basis),
         f"That is where a {side.opposite.value} would be liquidated: check the direction."),
    ]
    hint = next((text for candidate, text in slips if close_to(answer, candidate, tolerance)), "")
    return judge(answer, expected, tolerance, f"{setting} is {number(expected)}", hint, explanation)


@dataclass(frozen=True)
class MarginAdded:
    """An isolated position before and after adding margin: collateral and effective leverage
    (value at entry / collateral), liquidation price and its distance from the entry."""

    side: Side
    entry_price: float
    size: float
    maintenance_rate: float
    basis: Basis
    collateral_before: float
    added: float
    liquidation_before: float | None
    liquidation_after: float | None
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def collateral_after(self) -> float:
        return self.collateral_before + self.added

    @property
    def leverage_before(self) -> float:
        return self.size * self.entry_price / self.collateral_before

    @property
    def leverage_after(self) -> float:
        return self.size * self.entry_price / self.collateral_after

    def distance(self, level_price: float | None) -> float:
        """Entry to ``level_price`` against the position, as a fraction (1.0: none, for a long)."""
        return liquidation_distance(self.side, self.entry_price, level_price)

    def summary(self) -> str:
        """Before and after in words."""
        q, where = self.quote, "below" if self.side is Side.LONG else "above"
        moved = "away from" if self.distance(self.liquidation_after) > self.distance(self.liquidation_before) \
            else "no further from"
        return "\n".join([
            f"Adding {amount(self.added, q)} to the {amount(self.collateral_before, q)} collateral of a "
            f"{self.side.value} of {quantity(self.size)} {self.base} at {price(self.entry_price)}: the effective "
            f"leverage falls from {self.leverage_before:.3g}x to {self.leverage_after:.3g}x.",
            f"The liquidation price moves {moved} the entry: from {price(self.liquidation_before)} "
            f"({percent(self.distance(self.liquidation_before))} {where} it) to {price(self.liquidation_after)} "
            f"({percent(self.distance(self.liquidation_after))} {where} it).",
        ])


def margin_added(
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    added: float,
    maintenance_rate: float,
    *,
    basis: str | Basis = "mark",
    base: str = "BTC",
    quote: str = "USDT",
) -> MarginAdded:
    """The liquidation price of an isolated position before and after adding ``added`` margin.

    Parameters as for :func:`margin_lab.liquidation_price`; ``added`` in quote currency, > 0.

    Notes
    -----
    On an open isolated position, adding margin and lowering the leverage are the same act
    (REFERENCE.md §3): value / collateral falls. :meth:`margin_lab.Account.add_margin` does it
    to an account. Taught in lessons/02_isolated_setup.ipynb.

    References
    ----------
    REFERENCE.md §1, §3.

    Examples
    --------
    >>> change = margin_added("long", 20_000, 1, collateral=2_000, added=1_000, maintenance_rate=0.005)
    >>> round(change.liquidation_before, 2), round(change.liquidation_after, 2), round(change.leverage_after, 2)
    (18090.45, 17085.43, 6.67)
    """
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral)
    added = require_positive("added", added)
    before = liquidation_price(side, entry_price, size, collateral, maintenance_rate, basis=basis)
    after = liquidation_price(side, entry_price, size, collateral + added, maintenance_rate, basis=basis)
    return MarginAdded(side=side, entry_price=float(entry_price), size=float(size),
                       maintenance_rate=float(maintenance_rate), basis=basis, collateral_before=collateral,
                       added=added, liquidation_before=before, liquidation_after=after, base=base, quote=quote)
