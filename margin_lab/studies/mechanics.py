"""Compute step of the lesson 3 tables and figures: how far liquidation is, and how fees and
funding move it (the mark-price figure is in :mod:`margin_lab.studies.mark_price`, the tier
ladder in :mod:`margin_lab.studies.tier_ladder`).

Each function validates, calls the formulas of :mod:`margin_lab.margin` and
:mod:`margin_lab.tiers`, and returns a frozen result with ``summary()`` that
:mod:`margin_lab.plots.mechanics` draws. No formula is restated here. Positions are opened with
their initial margin as collateral, M = Q·EP / L, as in :mod:`margin_lab.studies.position`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._checks import require_choice, require_fee_rate, require_fraction, require_positive, require_range, require_rate_below_initial, require_text
from ..margin import _liquidation_price_kernel, funding_payment, initial_margin, liquidation_distance, liquidation_price
from ..model import Side
from ..text import adverse_move, amount, number, percent, price, quantity

__all__ = ["DistanceTable", "liquidation_distances", "CostDrift", "cost_drift"]


def _opening_check(leverage: float, rate: float, fee_rate: float, name: str = "leverage") -> None:
    require_rate_below_initial(rate, leverage, fee_rate, blame=name)


# ---------------------------------------------------------------------------------------------
# How far is liquidation, leverage by leverage.


@dataclass(frozen=True, repr=False)
class DistanceTable:
    """Liquidation price and distance of one isolated position at several leverages.

    ``distances`` are fractions of the entry price (1.0 where no price liquidates a long);
    the repr is the text table of :meth:`summary`, so a lesson cell ending with it shows it.
    """

    side: Side
    entry_price: float
    size: float
    maintenance_rate: float
    fee_rate: float
    leverages: tuple[float, ...]
    collaterals: tuple[float, ...]
    liquidation_prices: tuple[float | None, ...]
    distances: tuple[float, ...]
    base: str = "BTC"
    quote: str = "USDT"

    def summary(self) -> str:
        """The table, then the sentence it proves."""
        fee = f" and a {percent(self.fee_rate, 3)} closing fee" if self.fee_rate else ""
        move, _ = adverse_move(self.side)
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} "
            f"{self.quote}, maintenance {percent(self.maintenance_rate, 3)} of the value at the mark{fee}:",
            f"{'leverage':>8}  {'collateral':>10}  {'liquidation':>11}  {'distance':>8}  {'1/leverage':>10}",
        ]
        for leverage, collateral, at, distance in zip(self.leverages, self.collaterals, self.liquidation_prices,
                                                      self.distances):
            lines.append(f"{leverage:>7g}x  {number(collateral):>10}  {price(at):>11}  {percent(distance):>8}  "
                         f"{percent(1 / leverage):>10}")
        row = self.leverages.index(10) if 10 in self.leverages else len(self.leverages) - 1
        lines.append(
            f"At every leverage liquidation comes before the {move} of 1/leverage that would wipe out the "
            f"collateral: at {self.leverages[row]:g}x after a {percent(self.distances[row])} {move}, "
            f"not {percent(1 / self.leverages[row])}."
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def liquidation_distances(
    leverages: Sequence[float] = (2, 5, 10, 20, 50, 100),
    *,
    side: str | Side = "long",
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0,
    entry_price: float = 20_000,
    size: float = 1,
    base: str = "BTC",
    quote: str = "USDT",
) -> DistanceTable:
    """Liquidation price and distance from the entry at each leverage (collateral = Q·EP / L).

    Parameters
    ----------
    leverages : sequence of float
        Each > 0 and below 1 / (maintenance_rate + fee_rate).
    side : "long" or "short"
    maintenance_rate, fee_rate : float
        Fractions charged on the value at the mark (0.005 = 0.5 %).
    entry_price, size : float
        The position, > 0 (the distances do not depend on them).

    Raises
    ------
    ValueError, TypeError
        Bad input by name, or a leverage at which the rates would liquidate the position at
        opening (maintenance_rate + fee_rate >= 1/leverage).

    Notes
    -----
    Distance = (1/L − r − f)/(1 − r − f) for a long, (1/L − r − f)/(1 + r + f) for a short:
    REFERENCE.md §1 with M = Q·EP/L. About 1/L − r, always below 1/L (REFERENCE.md §4).
    Taught in lessons/03_liquidation_mechanics.ipynb.

    Examples
    --------
    REFERENCE.md §4: at 50x with 0.5 % maintenance the distance is 1.5 %, not 2 %:

    >>> table = liquidation_distances([10, 50])
    >>> [round(d, 4) for d in table.distances]
    [0.0955, 0.0151]
    >>> table.summary().splitlines()[-1].endswith("at 10x after a 9.55 % fall, not 10 %.")
    True
    """
    side = require_choice("side", side, Side)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    fee = require_fee_rate("fee_rate", fee_rate)
    entry_price, size = require_positive("entry_price", entry_price), require_positive("size", size)
    if isinstance(leverages, (str, bytes)) or not isinstance(leverages, Sequence) or not leverages:
        raise TypeError(f"leverages must be a non-empty list of numbers, got {leverages!r}")
    checked = tuple(require_positive(f"leverages[{i}]", value) for i, value in enumerate(leverages))
    for i, leverage in enumerate(checked):
        _opening_check(leverage, rate, fee, name=f"leverages[{i}]")
    collaterals = tuple(initial_margin(size, entry_price, leverage) for leverage in checked)
    prices = tuple(liquidation_price(side, entry_price, size, m, rate, fee_rate=fee) for m in collaterals)
    return DistanceTable(
        side=side, entry_price=entry_price, size=size, maintenance_rate=rate, fee_rate=fee, leverages=checked,
        collaterals=collaterals, liquidation_prices=prices,
        distances=tuple(liquidation_distance(side, entry_price, at) for at in prices),
        base=require_text("base", base), quote=require_text("quote", quote),
    )


# ---------------------------------------------------------------------------------------------
# Fees and funding.


@dataclass(frozen=True)
class CostDrift:
    """The liquidation price of one isolated position, with no costs, with a closing fee, and
    with the fee plus funding paid out of the collateral, payment by payment (mark held flat at
    the entry). Times in days; ``funding_paid`` is what left the collateral (negative: received)."""

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    maintenance_rate: float
    fee_rate: float
    funding_rate: float
    funding_interval_hours: float
    no_costs: float | None
    with_fee: float | None
    times: tuple[float, ...]
    with_funding: tuple[float, ...]
    funding_paid: float
    funding_liquidation_day: float | None
    base: str = "BTC"
    quote: str = "USDT"

    def _level(self, at: float | None) -> str:
        if at is None or at <= 0:
            return "none"
        return f"{price(at)} ({percent(liquidation_distance(self.side, self.entry_price, at))} away)"

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        payments = len(self.times) - 1
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} {q}, "
            f"{self.leverage:g}x (collateral {amount(self.collateral, q)}), {percent(self.maintenance_rate, 3)} "
            "maintenance; the mark is held at the entry price.",
            f"No costs: liquidation at {self._level(self.no_costs)}.",
            f"A {percent(self.fee_rate, 3)} closing fee counted in the requirement: {self._level(self.with_fee)}.",
        ]
        paid = "paid out of" if self.funding_paid >= 0 else "received into"
        funding = (
            f"Plus {percent(self.funding_rate, 3)} funding every {self.funding_interval_hours:g} hours for "
            f"{self.times[-1]:g} days ({payments} payments, {amount(abs(self.funding_paid), q)} {paid} "
            f"the collateral): "
        )
        if self.funding_liquidation_day is not None:
            lines.append(funding + f"funding alone liquidates the position on day "
                                   f"{number(self.funding_liquidation_day, 1)}, with the price unchanged.")
            return "\n".join(lines)
        end = self.with_funding[-1]
        lines.append(funding + f"{self._level(end)}.")
        if self.no_costs is not None:
            shift = self.side.sign * (end - self.no_costs)
            toward = "toward" if shift >= 0 else "away from"
            lines.append(f"Costs moved the liquidation price {number(abs(shift))} {q} {toward} the entry"
                         + (": a smaller move now liquidates the position." if shift > 0 else "."))
        return "\n".join(lines)


def cost_drift(
    side: str | Side = "long",
    *,
    leverage: float = 10,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0005,
    funding_rate: float = 0.0001,
    funding_interval_hours: float = 8,
    days: float = 30,
    entry_price: float = 20_000,
    size: float = 1,
    base: str = "BTC",
    quote: str = "USDT",
) -> CostDrift:
    """How a closing fee and funding payments pull an isolated position's liquidation price.

    The fee is counted in the requirement (Gate's convention, REFERENCE.md §1). Each funding
    payment, s·rate·Q·P at a mark held at the entry price (longs pay a positive rate, shorts
    receive it), leaves the collateral, as :meth:`margin_lab.Account.pay_funding` does.

    Parameters
    ----------
    side : "long" or "short"
    leverage, maintenance_rate, fee_rate : float
        The position (collateral Q·EP / L) and its rates, fractions.
    funding_rate : float
        Per funding interval, a fraction in (−1, 1) (0.0001 = 0.01 %); positive: longs pay.
    funding_interval_hours, days : float
        > 0: one payment every interval, over ``days`` (at least one interval long).

    Raises
    ------
    ValueError
        Bad input by name, ``days`` shorter than one funding interval, or rates that would
        liquidate the position at opening.

    Notes
    -----
    P_liq = (EP − s·M_n/Q) / (1 − s·(r + f)) with M_n = M − n·s·rate·Q·EP after n payments.
    When M_n falls to the requirement the position is liquidated with the price unchanged.
    Taught in lessons/03_liquidation_mechanics.ipynb ("Fees and funding don't matter").

    References
    ----------
    REFERENCE.md §1 (formula; Gate help 27724: the fee moves the price toward the entry), §4.

    Examples
    --------
    >>> drift = cost_drift("long", leverage=10)
    >>> round(drift.no_costs, 2), round(drift.with_fee, 2), round(drift.with_funding[-1], 2), drift.funding_paid
    (18090.45, 18099.55, 18280.54, 180.0)
    """
    side = require_choice("side", side, Side)
    leverage = require_positive("leverage", leverage)
    rate, fee = require_fraction("maintenance_rate", maintenance_rate), require_fee_rate("fee_rate", fee_rate)
    _opening_check(leverage, rate, fee)
    funding = require_range("funding_rate", funding_rate, -1, 1, low_open=True, high_open=True,
                            hint="a fraction per funding interval, 0.0001 = 0.01 %")
    interval = require_positive("funding_interval_hours", funding_interval_hours)
    days = require_positive("days", days)
    entry_price, size = require_positive("entry_price", entry_price), require_positive("size", size)
    collateral = initial_margin(size, entry_price, leverage)
    payments = math.floor(days * 24 / interval + 1e-9)
    if payments < 1:
        raise ValueError(f"days must cover at least one funding interval ({interval / 24:g} days), got {days:g}")
    n = np.arange(payments + 1)
    payment = funding_payment(side, size, entry_price, funding)
    prices = _liquidation_price_kernel(side.sign, entry_price, size, collateral - n * payment, rate, 0.0, fee, False)
    crossed = np.nonzero(side.sign * (entry_price - prices) <= 0)[0]
    stop = int(crossed[0]) if crossed.size else payments
    times = n[: stop + 1] * interval / 24
    return CostDrift(
        side=side, entry_price=entry_price, size=size, leverage=leverage, collateral=collateral,
        maintenance_rate=rate, fee_rate=fee, funding_rate=funding, funding_interval_hours=interval,
        no_costs=liquidation_price(side, entry_price, size, collateral, rate),
        with_fee=liquidation_price(side, entry_price, size, collateral, rate, fee_rate=fee),
        times=tuple(float(t) for t in times), with_funding=tuple(float(p) for p in prices[: stop + 1]),
        funding_paid=float(stop * payment),
        funding_liquidation_day=float(times[-1]) if crossed.size else None,
        base=require_text("base", base), quote=require_text("quote", quote),
    )

