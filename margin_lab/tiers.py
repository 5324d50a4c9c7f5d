"""Tiered maintenance: rates that rise with the position's notional, and the liquidation price
that re-checks which tier the liquidation notional falls in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from ._checks import (
    require_choice,
    require_fee_rate,
    require_fraction,
    require_margin_level,
    require_non_negative,
    require_opens_before_liquidation,
    require_positive,
)
from .margin import _liquidation_price_kernel, _positive_or_none, checked_position
from .model import Basis, Side

__all__ = ["Tier", "MaintenanceSchedule", "tiered_liquidation_price", "tiered_level_price"]


@dataclass(frozen=True)
class Tier:
    """One bracket: from ``floor_notional`` (quote currency) up, ``rate`` applies with the
    deduction ``amount`` (Binance's "maintenance amount", ``cum``)."""

    floor_notional: float
    rate: float
    amount: float
    max_leverage: float | None = None


class MaintenanceSchedule:
    """Maintenance rates by notional bracket, with each bracket's amount derived.

    Parameters
    ----------
    tiers : sequence of (floor_notional, rate) or (floor_notional, rate, max_leverage)
        Floors in quote currency, strictly increasing, the first one 0; rates fractions in
        [0, 1), non-decreasing.

    Notes
    -----
    The amount follows cum_n = cum_{n−1} + floor_n·(r_n − r_{n−1}), cum_1 = 0, which makes the
    maintenance margin Q·P·r − cum continuous across the floors.
    Taught in lessons/03_liquidation_mechanics.ipynb.

    References
    ----------
    Binance COIN-M FAQ (maintenance amount); Hyperliquid docs, margin-tiers; REFERENCE.md §1.

    Examples
    --------
    Binance ADA/BUSD brackets:

    >>> ada = MaintenanceSchedule([(0, 0.025), (100_000, 0.05), (500_000, 0.10),
    ...                            (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)])
    >>> [round(t.amount) for t in ada.tiers]
    [0, 2500, 27500, 77500, 277500, 1527500]
    >>> ada.rate(250_000), ada.amount(250_000)
    (0.05, 2500.0)
    """

    def __init__(self, tiers: Iterable[Sequence[float]]):
        if isinstance(tiers, (str, bytes)) or not hasattr(tiers, "__iter__"):
            raise TypeError(f"tiers must be a list of (floor_notional, rate) pairs, got {tiers!r}; "
                            f"for one rate use MaintenanceSchedule.fixed(rate)")
        rows = list(tiers)
        if not rows:
            raise ValueError("tiers must hold at least one (floor_notional, rate) pair, got []")
        built: list[Tier] = []
        for index, row in enumerate(rows):
            if not isinstance(row, (tuple, list)) or len(row) not in (2, 3):
                raise TypeError(
                    f"tiers[{index}] must be (floor_notional, rate) or (floor_notional, rate, "
                    f"max_leverage), got {row!r}"
                )
            floor = require_non_negative(f"tiers[{index}] floor_notional", row[0])
            rate = require_fraction(f"tiers[{index}] rate", row[1])
            max_leverage = require_positive(f"tiers[{index}] max_leverage", row[2]) if len(row) == 3 else None
            if index == 0:
                if floor != 0:
                    raise ValueError(f"tiers[0] floor_notional must be 0, got {row[0]!r}")
                amount = 0.0
            else:
                previous = built[-1]
                if floor <= previous.floor_notional:
                    raise ValueError(
                        f"tiers[{index}] floor_notional must be > {previous.floor_notional:g} "
                        f"(floors strictly increasing), got {row[0]!r}"
                    )
                if rate < previous.rate:
                    raise ValueError(
                        f"tiers[{index}] rate must be >= {previous.rate:g} (rates never fall as "
                        f"the notional grows), got {row[1]!r}"
                    )
                amount = previous.amount + floor * (rate - previous.rate)
            built.append(Tier(floor, rate, amount, max_leverage))
        self.tiers: tuple[Tier, ...] = tuple(built)

    @classmethod
    def fixed(cls, rate: float, amount: float = 0.0) -> "MaintenanceSchedule":
        """One rate for every notional, with an optional fixed deduction.

        Examples
        --------
        >>> MaintenanceSchedule.fixed(0.005).rate(1e9)
        0.005
        """
        schedule = cls([(0.0, rate)])
        amount = require_non_negative("amount", amount)
        if amount:
            schedule.tiers = (Tier(0.0, schedule.tiers[0].rate, amount),)
        return schedule

    def tier(self, notional: float) -> Tier:
        """The bracket a notional (quote currency, >= 0) falls in."""
        notional = require_non_negative("notional", notional)
        if len(self.tiers) == 1:  # a fixed rate: the one tier (most positions, every step)
            return self.tiers[0]
        chosen = self.tiers[0]
        for tier in self.tiers:
            if notional >= tier.floor_notional:
                chosen = tier
            else:
                break
        return chosen

    def rate(self, notional: float) -> float:
        """Maintenance rate (fraction) for a position of this notional."""
        return self.tier(notional).rate

    def amount(self, notional: float) -> float:
        """Maintenance amount (quote currency) for a position of this notional."""
        return self.tier(notional).amount

    def margin(self, notional: float) -> float:
        """Maintenance margin notional·rate − amount, in quote currency (never below 0)."""
        if type(notional) is float and 0.0 <= notional < math.inf and len(self.tiers) == 1:  # every replay step
            only = self.tiers[0]
            return max(notional * only.rate - only.amount, 0.0)
        tier = self.tier(notional)
        return max(notional * tier.rate - tier.amount, 0.0)

    @property
    def is_fixed(self) -> bool:
        return len(self.tiers) == 1

    def __repr__(self) -> str:
        if self.is_fixed:
            tier = self.tiers[0]
            extra = f", amount={tier.amount:g}" if tier.amount else ""
            return f"MaintenanceSchedule.fixed({tier.rate:g}{extra})"
        pairs = ", ".join(f"({t.floor_notional:g}, {t.rate:g})" for t in self.tiers)
        return f"MaintenanceSchedule([{pairs}])"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaintenanceSchedule) and self.tiers == other.tiers

    __hash__ = None  # type: ignore[assignment]


def as_schedule(maintenance: object) -> MaintenanceSchedule:
    """Accept a rate (float) or a schedule, as the Account and the simulations do."""
    if isinstance(maintenance, MaintenanceSchedule):
        return maintenance
    if isinstance(maintenance, bool) or not isinstance(maintenance, (int, float)):
        raise TypeError(
            f"maintenance must be a rate (fraction, 0.005 = 0.5 %) or a MaintenanceSchedule, "
            f"got {maintenance!r}"
        )
    return MaintenanceSchedule.fixed(require_fraction("maintenance", maintenance))


def require_schedule(schedule: object, fee_rate: float, level: float = 1.0, *, floors: str = "") -> MaintenanceSchedule:
    """Refuse anything but a :class:`MaintenanceSchedule`, and a schedule whose top rate plus the
    closing fee, times ``level``, reaches 1: equity could then never fall to the requirement.

    ``floors`` says in the TypeError what the schedule's floors are in (" with floors in the coin").

    >>> require_schedule(MaintenanceSchedule.fixed(0.6), 0.5)
    Traceback (most recent call last):
    ...
    ValueError: fee_rate plus the top tier's rate must be < 1, got fee_rate=0.5
    """
    if not isinstance(schedule, MaintenanceSchedule):
        raise TypeError(f"schedule must be a MaintenanceSchedule{floors}, got {schedule!r}")
    top = schedule.tiers[-1].rate + fee_rate
    if level * top >= 1:
        raise ValueError(f"fee_rate plus the top tier's rate must be < 1, got fee_rate={fee_rate!r}" if level == 1 else
                         f"level must be below 1 / (maintenance_rate + fee_rate) = {1 / top:g}, got {level:g}")
    return schedule


def tiered_liquidation_price(
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    schedule: MaintenanceSchedule,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
) -> float | None:
    """Liquidation price under a tiered schedule, re-checking the tier at the liquidation notional.

    On the mark basis the requirement depends on the notional Q·P_liq, which may sit in a lower
    (long) or higher (short) tier than the entry notional. Because Q·P·r − cum is continuous and
    grows more slowly than the equity, exactly one tier's solution lands inside its own bracket:
    that one is returned. On the entry basis the tier of the entry notional applies throughout.

    Returns ``None`` when no positive price liquidates the position.

    Parameters as :func:`margin_lab.margin.liquidation_price`: collateral > 0, ``fee_rate`` in
    [0, 1 %]; a position whose collateral is at or below the requirement of its entry tier plus
    the closing fee would open at or past its liquidation price and is refused.

    References
    ----------
    Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts" ("if the notional at
    the liquidation price falls in another bracket, recompute"); REFERENCE.md §1.

    Examples
    --------
    A 100 BTC long at 20,000 with 200,000 collateral on a two-tier schedule stays in the entry
    tier (5 %, amount 5,000): (20,000 − 205,000/100) / 0.95 = 18,894.74, notional 1.89 M:

    >>> two = MaintenanceSchedule([(0, 0.01), (125_000, 0.05)])
    >>> round(tiered_liquidation_price("long", 20_000, 100, 200_000, two), 2)
    18894.74

    A 7 BTC long (entry notional 140,000, second tier) with 20,000 collateral: the entry tier
    gives (20,000 − 25,000/7) / 0.95 = 17,293.23, a notional of 121,053, below the 125,000
    floor; recomputed with the first tier, (20,000 − 20,000/7) / 0.99:

    >>> round(tiered_liquidation_price("long", 20_000, 7, 20_000, two), 2)
    17316.02
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral, hint="a position with no collateral is already bankrupt")
    fee = require_fee_rate("fee_rate", fee_rate)
    require_schedule(schedule, fee)
    entry_tier = schedule.tier(size * entry_price)
    require_opens_before_liquidation(collateral=collateral, notional=size * entry_price, maintenance_rate=entry_tier.rate,
                                     maintenance_amount=entry_tier.amount, fee_rate=fee, blame="collateral")
    return _solve_tiered(side, entry_price, size, collateral, schedule, fee, basis)


def tiered_level_price(
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    schedule: MaintenanceSchedule,
    level: float,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
) -> float | None:
    """Price at which the margin level, equity / (maintenance + closing fee), reaches ``level``.

    ``level`` 1 is the liquidation price; a venue's warning level (1.5 = 150 %) gives where its
    margin call comes. Equity = level × requirement is the liquidation equation with every rate
    and amount multiplied by ``level``, so it is solved by the same tier search. Unlike
    :func:`tiered_liquidation_price` it does not refuse a position already below ``level`` at
    entry: the price it returns then lies past the entry (the warning is on from the start).

    Parameters
    ----------
    level : float
        A margin level as a ratio in (0, 10] (1.5 = 150 %), with level × (top rate + fee) < 1.
    Others as :func:`tiered_liquidation_price`.

    References
    ----------
    REFERENCE.md §1 (liquidation price), §3 (the margin call before liquidation).

    Examples
    --------
    A 10x long of 1 BTC at 20,000 with 0.5 % maintenance: the 150 % warning comes at
    (20,000 − 2,000) / (1 − 1.5 × 0.005):

    >>> round(tiered_level_price("long", 20_000, 1, 2_000, MaintenanceSchedule.fixed(0.005), 1.5), 2)
    18136.02
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral)
    level = require_margin_level("level", level)
    fee = require_fee_rate("fee_rate", fee_rate)
    require_schedule(schedule, fee, level)
    if schedule.is_fixed:
        tier = schedule.tiers[0]
        scaled = MaintenanceSchedule.fixed(level * tier.rate, level * tier.amount)
    else:  # the amounts follow from the scaled rates by the recursion
        scaled = MaintenanceSchedule([(t.floor_notional, level * t.rate) for t in schedule.tiers])
    return _solve_tiered(side, entry_price, size, collateral, scaled, level * fee, basis)


def _solve_tiered(side: Side, entry_price: float, size: float, collateral: float, schedule: MaintenanceSchedule,
                  fee: float, basis: Basis) -> float | None:
    """:func:`tiered_liquidation_price` for arguments checked already (the account's own records,
    at every step of a replay)."""
    if basis is Basis.ENTRY:
        tier = schedule.tier(size * entry_price)
        return _positive_or_none(
            _liquidation_price_kernel(side.sign, entry_price, size, collateral, tier.rate, tier.amount, fee, True),
            entry_price,
        )
    uppers = [t.floor_notional for t in schedule.tiers[1:]] + [math.inf]
    for tier, upper in zip(schedule.tiers, uppers):
        price = _liquidation_price_kernel(side.sign, entry_price, size, collateral, tier.rate, tier.amount, fee, False)
        if _positive_or_none(price, entry_price) is None:  # zero up to rounding counts as zero
            if tier is schedule.tiers[0]:
                return None
            continue
        liquidation_notional = size * price
        slack = 1e-9 * max(1.0, liquidation_notional)
        if tier.floor_notional - slack <= liquidation_notional < upper + slack:
            return float(price)
    return None
