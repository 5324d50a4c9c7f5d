"""Compute step of the lesson 3 figure: a position's warning, liquidation and bankruptcy prices
against a stylised price path.

The path is deterministic and stylised (a fall, then a rebound; mirrored for a short), chosen
to show that liquidation is decided by the worst point of the path, not by where the price ends.
The prices come from :func:`margin_lab.tiers.tiered_liquidation_price` and
:func:`margin_lab.margin.bankruptcy_price`; presets from :mod:`margin_lab.venues`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import (
    require_choice,
    require_count,
    require_fee_rate,
    require_fraction,
    require_leverage,
    require_opens_before_liquidation,
    require_positive,
    require_range,
    require_text,
)
from ..margin import bankruptcy_price, checked_position, initial_margin
from ..margin import liquidation_distance as _distance
from ..model import Basis, Side, Venue
from ..scenarios import dip_ramps
from ..tiers import MaintenanceSchedule, tiered_level_price, tiered_liquidation_price
from ..venues import maintenance_for
from ..venues import venue as _preset
from ..text import amount, number, percent, price, quantity

__all__ = ["LiquidationPath", "liquidation_path", "stylised_path"]


def stylised_path(
    side: str | Side, entry_price: float, depth: float = 0.12, days: float = 30, steps_per_day: int = 24
) -> tuple[np.ndarray, np.ndarray]:
    """A deterministic mark-price path against the position: a fall, then a rebound.

    For a long the price falls by ``depth`` over the first 40 % of the time, then climbs back to
    ``depth / 3`` above the entry; a short sees the mirror image (a rise, then a fall). A small
    ripple, zero at every tenth of the time, makes it look like a market. Returns
    ``(times in days, prices)``.

    >>> times, prices = stylised_path("long", 20_000, depth=0.10, days=10, steps_per_day=1)
    >>> len(stylised_path("long", 20_000)[0])  # 30 days, hourly
    721
    >>> float(times[-1]), float(prices[0]), float(prices[4]), round(float(prices[-1]), 2)
    (10.0, 20000.0, 18000.0, 20666.67)
    """
    side = require_choice("side", side, Side)
    entry_price = require_positive("entry_price", entry_price)
    depth = require_range("depth", depth, 0, 0.8, low_open=True, hint="a fraction of the entry price")
    days = require_positive("days", days)
    steps = require_count("steps_per_day", steps_per_day)
    times = np.linspace(0.0, days, int(round(days * steps)) + 1)
    u = times / days
    rebound = depth / 3
    fall, rise = dip_ramps(u, 0.4, 1.0)
    move = -depth * fall + (depth + rebound) * rise
    ripple = 0.08 * depth * np.sin(10 * np.pi * u) * np.sin(np.pi * u)
    return times, entry_price * (1 + side.sign * (move + ripple))


@dataclass(frozen=True)
class LiquidationPath:
    """Warning, liquidation and bankruptcy prices of one isolated position, and a path that
    tests them. Prices in quote per base unit; days from the opening; rates as fractions."""

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    maintenance_rate: float
    maintenance_amount: float
    fee_rate: float
    basis: Basis
    warning_level: float
    venue_name: str | None
    warning_price: float | None
    liquidation_price: float | None
    bankruptcy_price: float | None
    times: tuple[float, ...]
    prices: tuple[float, ...]
    warning_day: float | None
    liquidation_day: float | None
    depth: float
    base: str = "BTC"
    quote: str = "USDT"

    def distance(self, level_price: float | None) -> float:
        """How far ``level_price`` is from the entry, against the position, as a fraction."""
        return _distance(self.side, self.entry_price, level_price)

    @property
    def liquidation_distance(self) -> float:
        """Entry to liquidation price, as a fraction (1.0 when no price liquidates a long)."""
        return self.distance(self.liquidation_price)

    def _level(self, name: str, level_price: float | None) -> str:
        if level_price is None:
            return f"{name}: no price"
        away = self.distance(level_price)
        where = "from entry" if away >= 0 else "on the wrong side of the entry: from the start"
        return f"{name} at {price(level_price)} ({percent(abs(away))} {where})"

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        on = "the value at the mark" if self.basis is Basis.MARK else "the entry value"
        cum = f" minus {amount(self.maintenance_amount, q)}" if self.maintenance_amount else ""
        settings = f"{self.venue_name} preset" if self.venue_name else "custom settings"
        fee = (
            f"closing fee {percent(self.fee_rate, 3)} counted in the requirement"
            if self.fee_rate
            else "no closing fee counted"
        )
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} {q}, "
            f"{self.leverage:g}x: collateral {amount(self.collateral, q)}; "
            f"maintenance {percent(self.maintenance_rate, 3)} of {on}{cum}; {fee} ({settings}).",
            "; ".join(
                [
                    self._level(
                        f"Warning (equity at {percent(self.warning_level, 0)} of maintenance)", self.warning_price
                    ),
                    self._level("liquidation", self.liquidation_price),
                    self._level("bankruptcy", self.bankruptcy_price),
                ]
            )
            + ".",
        ]
        move = "fall" if self.side is Side.LONG else "rise"
        back = "rebound" if self.side is Side.LONG else "fall back"
        extreme = min(self.prices) if self.side is Side.LONG else max(self.prices)
        path = f"On this stylised path (a {percent(self.depth, 1)} {move}, then a {back})"
        if self.liquidation_day is not None:
            on_day = f"day {number(self.liquidation_day, 1)}"
            hours = None if self.warning_day is None else round((self.liquidation_day - self.warning_day) * 24)
            if hours is None or hours < 1:
                warned = f"the warning and the liquidation come in the same hour, on {on_day}"
            elif hours < 24:
                warned = f"the warning comes only {hours} hour{'s' if hours > 1 else ''} before liquidation, on {on_day}"
            else:
                warned = f"the warning comes on day {number(self.warning_day, 1)} and liquidation on {on_day}"
            lines.append(f"{path} {warned}: the {back} comes too late for this position.")
        elif self.warning_day is not None:
            lines.append(
                f"{path} the margin level drops below the warning level on day {number(self.warning_day, 1)}, "
                f"but the {'lowest' if self.side is Side.LONG else 'highest'} price, {number(extreme)}, "
                "never reaches the liquidation price: the position survives."
            )
        else:
            lines.append(
                f"{path} the {'lowest' if self.side is Side.LONG else 'highest'} price, {number(extreme)}, "
                "stays clear of the warning: the position survives."
            )
        return "\n".join(lines)


def _first_day(times: np.ndarray, prices: np.ndarray, sign: int, level: float | None) -> float | None:
    if level is None:
        return None
    crossed = np.nonzero(sign * (prices - level) <= 0)[0]
    return float(times[crossed[0]]) if crossed.size else None


def liquidation_path(
    side: str | Side = "long",
    *,
    leverage: float = 10,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
    venue: str | Venue | None = None,
    warning_level: float = 1.5,
    entry_price: float = 20_000,
    size: float = 1,
    depth: float = 0.12,
    days: float = 30,
    base: str = "BTC",
    quote: str = "USDT",
) -> LiquidationPath:
    """Warning, liquidation and bankruptcy prices of one isolated position, tested on a path.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        > 0 (at most the preset's maximum); collateral = initial margin Q·EP / L.
    maintenance_rate : float
        Fraction in [0, 1); ignored when ``venue`` is given (the preset's schedule applies).
    fee_rate : float
        Closing (taker) fee counted in the requirement, a fraction in [0, 1): it pulls the
        liquidation price toward the entry (Gate's convention).
    basis : "mark" or "entry"
        Maintenance charged on the value at the mark or at entry; ignored with ``venue``.
    venue : preset key, Venue or None
        A :mod:`margin_lab.venues` preset: its maintenance schedule (tiered for Binance,
        0.4 / leverage for Kraken spot), basis, warning level and maximum leverage.
    warning_level : float
        Margin level (equity / maintenance requirement) of the warning, >= 1; ignored with
        ``venue``. The warning band lies between this level and 1 (liquidation).
    entry_price, size : float
        The position, > 0.
    depth, days : float
        The stylised path: how far it moves against the position (a fraction in (0, 0.8]) and
        over how many days.

    Raises
    ------
    ValueError
        Bad input, a leverage above the preset's maximum, or rates that liquidate the position
        at opening (maintenance requirement + fee >= collateral, e.g. maintenance_rate >= 1/L).

    Notes
    -----
    Liquidation: equity M + s·Q·(P − EP) meets the requirement (REFERENCE.md §1); the warning
    price solves the same equation with the requirement times the warning level.
    Taught in lessons/03_liquidation_mechanics.ipynb.

    References
    ----------
    REFERENCE.md §1 (formula, tiers), §2 (presets), §4 ("10x means liquidation after a 10 %
    move"); Kraken 203325763 (the warning may not arrive).

    Examples
    --------
    Bybit's USDT isolated example (REFERENCE.md §1): long 1 BTC at 20,000, 50x, 0.5 % of the
    entry value, no fee:

    >>> lp = liquidation_path("long", leverage=50, venue="bybit")
    >>> lp.liquidation_price, lp.bankruptcy_price, round(lp.liquidation_distance, 4)
    (19700.0, 19600.0, 0.015)
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    fee = require_fee_rate("fee_rate", fee_rate)
    if venue is not None:
        preset = _preset(venue)
        leverage = require_leverage(leverage, preset.max_leverage, hint=f"{preset.name}'s maximum")
        schedule = maintenance_for(preset, leverage)
        basis, warning_level, name = preset.basis, preset.warning_level, preset.name
    else:
        leverage = require_positive("leverage", leverage)
        schedule = MaintenanceSchedule.fixed(require_fraction("maintenance_rate", maintenance_rate))
        basis = require_choice("basis", basis, Basis)
        warning_level = require_range(
            "warning_level", warning_level, 1, 100, hint="equity / maintenance as a ratio"
        )
        name = None
    base, quote = require_text("base", base), require_text("quote", quote)
    collateral = initial_margin(size, entry_price, leverage)
    opening_value = size * entry_price
    entry_tier = schedule.tier(opening_value)
    require_opens_before_liquidation(collateral=collateral, notional=opening_value, maintenance_rate=entry_tier.rate,
                                     maintenance_amount=entry_tier.amount, fee_rate=fee, leverage=leverage)
    top = schedule.tiers[-1].rate + fee
    if warning_level * top >= 1:
        raise ValueError(
            f"warning_level must be below 1 / (maintenance_rate + fee_rate) = {1 / top:g}, got {warning_level:g}"
        )
    liquidation = tiered_liquidation_price(side, entry_price, size, collateral, schedule, fee, basis)
    warning = tiered_level_price(side, entry_price, size, collateral, schedule, warning_level, fee, basis)
    times, prices = stylised_path(side, entry_price, depth, days, steps_per_day=24)
    tier = entry_tier if liquidation is None or basis is Basis.ENTRY else schedule.tier(size * liquidation)
    liquidation_day = _first_day(times, prices, side.sign, liquidation)
    warning_day = _first_day(times, prices, side.sign, warning)
    return LiquidationPath(
        side=side,
        entry_price=entry_price,
        size=size,
        leverage=leverage,
        collateral=collateral,
        maintenance_rate=tier.rate,
        maintenance_amount=tier.amount,
        fee_rate=fee,
        basis=basis,
        warning_level=warning_level,
        venue_name=name,
        warning_price=warning,
        liquidation_price=liquidation,
        bankruptcy_price=bankruptcy_price(side, entry_price, size, collateral),
        times=tuple(float(t) for t in times),
        prices=tuple(float(p) for p in prices),
        warning_day=warning_day,
        liquidation_day=liquidation_day,
        depth=float(depth),
        base=base,
        quote=quote,
    )
