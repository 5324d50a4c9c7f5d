"""Compute step of the lesson 3 tier figure: positions of several sizes on a tiered maintenance
schedule, the bracket each enters in and the bracket its notional is in at liquidation.

Liquidation prices come from :func:`margin_lab.tiers.tiered_liquidation_price`, the default
schedule from :mod:`margin_lab.venues` (Binance's example brackets, REFERENCE.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._checks import require_choice, require_opens_before_liquidation, require_positive, require_text
from ..margin import initial_margin, liquidation_distance, liquidation_price
from ..model import Side
from ..tiers import MaintenanceSchedule, tiered_liquidation_price
from ..venues import BINANCE_EXAMPLE_BRACKETS
from ..text import adverse_move, number, percent, price, quantity

__all__ = ["TierPosition", "TierLadder", "tier_ladder"]


@dataclass(frozen=True)
class TierPosition:
    """One position on the tier ladder: its bracket at entry and at its liquidation price.

    Tiers are numbered from 1; notionals in quote currency. ``entry_tier_price`` is what the
    liquidation price would be if the entry bracket's rate and amount applied all the way.
    """

    size: float
    notional: float
    collateral: float
    entry_tier: int
    entry_rate: float
    entry_amount: float
    liquidation_price: float | None
    liquidation_notional: float | None
    liquidation_tier: int | None
    liquidation_rate: float | None
    entry_tier_price: float | None
    distance: float


@dataclass(frozen=True)
class TierLadder:
    """A maintenance schedule's brackets and a few positions of different sizes on it, all
    opened at one leverage. Rates are fractions, floors and amounts quote currency."""

    name: str
    side: Side
    entry_price: float
    leverage: float
    floors: tuple[float, ...]
    rates: tuple[float, ...]
    amounts: tuple[float, ...]
    positions: tuple[TierPosition, ...]
    base: str = "BTC"
    quote: str = "USDT"

    def summary(self) -> str:
        """The figure's key numbers in words."""
        move, _ = adverse_move(self.side)
        brackets = "; ".join(
            f"tier {i} from {number(floor, 0)}: {percent(rate)}, amount {number(cum, 0)}"
            for i, (floor, rate, cum) in enumerate(zip(self.floors, self.rates, self.amounts), 1)
        )
        lines = [f"{self.name}, rate and maintenance amount from each floor ({self.quote}): {brackets}.",
                 f"{self.side.value.capitalize()}s at {price(self.entry_price)} {self.quote}, {self.leverage:g}x:"]
        for p in self.positions:
            start = (f"{quantity(p.size)} {self.base} (notional {number(p.notional, 0)}): tier {p.entry_tier} "
                     f"({percent(p.entry_rate)}) at entry; ")
            if p.liquidation_price is None:
                lines.append(start + "no positive price liquidates it.")
            elif p.liquidation_tier == p.entry_tier:
                lines.append(start + f"liquidation at {price(p.liquidation_price)} ({percent(p.distance)} away), "
                                     f"still in tier {p.entry_tier}.")
            else:
                lines.append(
                    start + f"liquidation at {price(p.liquidation_price)} ({percent(p.distance)} away), where the "
                    f"notional, {number(p.liquidation_notional, 0)}, is in tier {p.liquidation_tier} "
                    f"({percent(p.liquidation_rate)}); keeping tier {p.entry_tier} would give "
                    f"{price(p.entry_tier_price)}."
                )
        small, big = min(self.positions, key=lambda p: p.size), max(self.positions, key=lambda p: p.size)
        if big.size > small.size:
            lines.append(
                f"Same {self.leverage:g}x, bigger position, higher rate: the {quantity(big.size)} {self.base} "
                f"{self.side.value} is liquidated after a {percent(big.distance)} {move}, the "
                f"{quantity(small.size)} {self.base} {self.side.value} after {percent(small.distance)}."
            )
        return "\n".join(lines)


def tier_ladder(
    schedule: MaintenanceSchedule | None = None,
    *,
    sizes: Sequence[float] = (1, 6, 30, 100),
    leverage: float = 3,
    side: str | Side = "long",
    entry_price: float = 20_000,
    name: str | None = None,
    base: str = "BTC",
    quote: str = "USDT",
) -> TierLadder:
    """Positions of several sizes at one leverage on a tiered maintenance schedule: the bracket
    each enters in, where each is liquidated, and the bracket its notional is in by then.

    Parameters
    ----------
    schedule : MaintenanceSchedule, optional
        Default: Binance's example brackets (ADA/BUSD, REFERENCE.md §1), as in the
        ``binance_usdm`` venue preset.
    sizes : sequence of float
        Position sizes in base units, each > 0.
    leverage : float
        > 0; collateral = Q·EP / L. A size whose entry bracket requires more than that
        collateral is refused: venues cap the leverage per bracket.
    side : "long" or "short"
    entry_price : float
        > 0.
    name : str, optional
        What to call the schedule in the summary.

    Raises
    ------
    ValueError, TypeError
        Bad input by name, or a size the leverage cannot open (its entry bracket's maintenance
        margin at least the collateral).

    Notes
    -----
    Liquidation price from :func:`margin_lab.tiers.tiered_liquidation_price` (the bracket is
    re-checked at the liquidation notional, Binance FAQ); cum_n = cum_{n−1} + floor_n·(r_n −
    r_{n−1}) keeps the maintenance margin continuous across floors (REFERENCE.md §1).
    Taught in lessons/03_liquidation_mechanics.ipynb ("Maintenance rate is fixed").

    Examples
    --------
    A 6 BTC long at 20,000, 3x, enters the 5 % bracket (notional 120,000) but is liquidated
    where its notional is back in the 2.5 % bracket: (20,000 − 40,000/6) / (1 − 0.025):

    >>> ladder = tier_ladder(sizes=[1, 6, 100], leverage=3)
    >>> six = ladder.positions[1]
    >>> six.entry_tier, six.liquidation_tier, round(six.liquidation_price, 2), round(six.entry_tier_price, 2)
    (2, 1, 13675.21, 13596.49)
    >>> round(ladder.positions[2].distance, 4)
    0.2613
    """
    schedule = BINANCE_EXAMPLE_BRACKETS if schedule is None else schedule
    if not isinstance(schedule, MaintenanceSchedule):
        raise TypeError(f"schedule must be a MaintenanceSchedule or None, got {schedule!r}")
    if name is None:
        name = "Binance's example brackets (ADA/BUSD)" if schedule == BINANCE_EXAMPLE_BRACKETS else "The schedule"
    side = require_choice("side", side, Side)
    leverage = require_positive("leverage", leverage)
    entry_price = require_positive("entry_price", entry_price)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty list of sizes in base units, got {sizes!r}")
    tiers = list(schedule.tiers)
    positions = []
    for i, size in enumerate(sizes):
        size = require_positive(f"sizes[{i}]", size)
        notional = size * entry_price
        collateral = initial_margin(size, entry_price, leverage)
        entry = schedule.tier(notional)
        require_opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=entry.rate,
                                         maintenance_amount=entry.amount, blame=f"leverage for sizes[{i}] = {size:g}",
                                         leverage=leverage)
        at = tiered_liquidation_price(side, entry_price, size, collateral, schedule)
        tier = None if at is None else schedule.tier(size * at)
        positions.append(TierPosition(
            size=size, notional=notional, collateral=collateral, entry_tier=tiers.index(entry) + 1,
            entry_rate=entry.rate, entry_amount=entry.amount, liquidation_price=at,
            liquidation_notional=None if at is None else size * at,
            liquidation_tier=None if tier is None else tiers.index(tier) + 1,
            liquidation_rate=None if tier is None else tier.rate,
            entry_tier_price=liquidation_price(side, entry_price, size, collateral, entry.rate, entry.amount),
            distance=liquidation_distance(side, entry_price, at),
        ))
    return TierLadder(
        name=require_text("name", name), side=side, entry_price=entry_price, leverage=leverage,
        floors=tuple(t.floor_notional for t in tiers), rates=tuple(t.rate for t in tiers),
        amounts=tuple(t.amount for t in tiers), positions=tuple(positions),
        base=require_text("base", base), quote=require_text("quote", quote),
    )
