"""Compute step of the lesson 3 mark-price figure: a wick in the last traded price that goes
through a position's liquidation price while the mark price, which triggers liquidation, does not.

The mark is built the way Binance documents it: the median of Price 1 (the index adjusted for
funding), Price 2 (the index plus a 2.5-minute moving average of the basis) and the last price.
A wick moves only one of the three, so the median stays near the index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import require_choice, require_fraction, require_positive, require_range, require_rate_below_initial, require_text
from ..mark import binance_mark_price
from ..margin import initial_margin, liquidation_distance, liquidation_price
from ..model import Side
from ..text import duration, number, percent, price, quantity

__all__ = ["MarkVsLast", "mark_vs_last", "SAMPLE_SECONDS", "BASIS_SAMPLES", "PREMIUM"]

#: Binance samples the basis every 5 seconds and averages 30 samples (2.5 minutes) for its
#: "Price 2" (Binance FAQ fff6ec1b3f5845d19f1fb924644a0877, "Mark Price and Price Index of
#: COIN-Margined Contracts").
SAMPLE_SECONDS = 5
BASIS_SAMPLES = 30
#: Largest gap between the last price and the index outside the wick, a fraction of the entry.
PREMIUM = 0.0004


@dataclass(frozen=True)
class MarkVsLast:
    """An hour of index, last and mark prices around a wick in the last price, against one
    isolated position's liquidation price. Times in minutes, prices in quote per base unit."""

    side: Side
    entry_price: float
    size: float
    leverage: float
    maintenance_rate: float
    liquidation_price: float | None
    times: tuple[float, ...]
    index: tuple[float, ...]
    last: tuple[float, ...]
    mark: tuple[float, ...]
    wick_start: float
    wick_seconds: int
    base: str = "BTC"
    quote: str = "USDT"

    def _extreme(self, series: tuple[float, ...]) -> tuple[float, float]:
        at = int(np.argmin(series)) if self.side is Side.LONG else int(np.argmax(series))
        return self.times[at], series[at]

    @property
    def last_extreme(self) -> tuple[float, float]:
        """(minute, price) of the last price furthest against the position."""
        return self._extreme(self.last)

    @property
    def mark_extreme(self) -> tuple[float, float]:
        """(minute, price) of the mark price furthest against the position."""
        return self._extreme(self.mark)

    @property
    def index_extreme(self) -> tuple[float, float]:
        """(minute, price) of the index furthest against the position."""
        return self._extreme(self.index)

    def touches(self, level: float) -> bool:
        """Whether a price at ``level`` reaches the liquidation price."""
        return self.liquidation_price is not None and self.side.sign * (level - self.liquidation_price) <= 0

    def summary(self) -> str:
        """The figure's key numbers in words."""
        where, extreme = ("below", "lowest") if self.side is Side.LONG else ("above", "highest")
        liq = self.liquidation_price
        away = "" if liq is None else (
            f" ({percent(liquidation_distance(self.side, self.entry_price, liq))} {where} the entry)")
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} "
            f"{self.quote}, {self.leverage:g}x, {percent(self.maintenance_rate, 3)} maintenance: liquidation at "
            f"{price(liq)}{away}, triggered by the mark price."
        ]
        when, last = self.last_extreme
        lines.append(
            f"Last traded price: a {duration(self.wick_seconds)} wick at minute {when:g} to {price(last)} "
            f"({percent(abs(last / self.entry_price - 1))} {where} the entry), "
            f"{'through' if self.touches(last) else 'short of'} the liquidation price."
        )
        _, mark = self.mark_extreme
        gap = "" if liq is None else f", {number(abs(mark - liq))} {'past' if self.touches(mark) else 'short of'} it"
        lines.append(
            f"Mark price (median of the index, the index plus the 2.5-minute average basis, and the last price): "
            f"{extreme} {price(mark)}{gap}: on a mark-price venue the position is "
            f"{'liquidated' if self.touches(mark) else 'not liquidated'}."
        )
        lines.append(
            f"Index (spot venues' average, untouched by the wick): {extreme} {price(self.index_extreme[1])}."
            + (" A venue triggering on the last price would have liquidated the position during the wick."
               if self.touches(last) and not self.touches(mark) else "")
        )
        return "\n".join(lines)


def mark_vs_last(
    side: str | Side = "long",
    *,
    leverage: float = 20,
    maintenance_rate: float = 0.005,
    entry_price: float = 20_000,
    size: float = 1,
    dip: float = 0.03,
    wick: float = 0.07,
    wick_start: float = 30,
    wick_seconds: float = 15,
    minutes: float = 60,
    base: str = "BTC",
    quote: str = "USDT",
) -> MarkVsLast:
    """A stylised hour in which the last traded price wicks through the liquidation price while
    the mark price, built as Binance builds it, does not.

    Every 5 seconds: the index (the average of spot venues) dips by ``dip`` and recovers; the
    last traded price follows it within ``PREMIUM`` (0.04 % of the entry), except for ``wick_seconds`` from minute
    ``wick_start``, when it prints ``wick`` away from the entry (a thin order book swept by one
    large order). The mark is median(Price 1, Price 2, last) with Price 1 = the index (a zero
    funding rate) and Price 2 = the index + the mean of the last 30 basis samples (2.5 minutes),
    the basis measured on the last price (Binance measures it on the bid/ask mid, which a sweep
    of the book moves the same way).

    Parameters
    ----------
    side : "long" or "short"
        The index and the wick move against it (down for a long).
    leverage, maintenance_rate : float
        The isolated position: collateral Q·EP / L, maintenance on the value at the mark;
        maintenance_rate < 1/leverage.
    entry_price, size : float
        > 0.
    dip, wick : float
        How far the index and the wick go from the entry, fractions in (0, 0.8].
    wick_start, minutes : float
        The minute the wick starts, in [0, minutes); the length of the stretch shown, > 0.
    wick_seconds : float
        Length of the wick, rounded to whole 5-second samples (at least one).

    Raises
    ------
    ValueError
        Bad input, or a maintenance rate at or above 1/leverage.

    Notes
    -----
    Taught in lessons/03_liquidation_mechanics.ipynb ("Liquidation uses the last traded price").

    References
    ----------
    Binance FAQ fff6ec1b3f5845d19f1fb924644a0877 "Mark Price and Price Index of COIN-Margined
    Contracts" (median of Price 1, Price 2 and the contract price; the basis averaged over 30
    five-second samples); Binance FAQ 360033525071 (USDⓈ-M: the mark is built from the last
    price, bid1 and ask1, the funding rate and the spot index); REFERENCE.md §2 and §4 (venues
    trigger on a mark, fair or oracle price).

    Examples
    --------
    >>> hour = mark_vs_last("long", leverage=20)
    >>> round(hour.liquidation_price, 2), hour.last_extreme, hour.touches(hour.last_extreme[1])
    (19095.48, (30.0, 18600.0), True)
    >>> round(hour.mark_extreme[1], 2), hour.touches(hour.mark_extreme[1])
    (19326.4, False)
    """
    side = require_choice("side", side, Side)
    leverage = require_positive("leverage", leverage)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    require_rate_below_initial(rate, leverage)
    entry_price, size = require_positive("entry_price", entry_price), require_positive("size", size)
    dip = require_range("dip", dip, 0, 0.8, low_open=True, hint="a fraction of the entry price")
    wick = require_range("wick", wick, 0, 0.8, low_open=True, hint="a fraction of the entry price")
    minutes = require_positive("minutes", minutes)
    wick_start = require_range("wick_start", wick_start, 0, minutes, high_open=True, hint="a minute of the stretch")
    seconds = require_range("wick_seconds", wick_seconds, 0, 3_600, low_open=True, hint="seconds")
    samples = max(1, round(seconds / SAMPLE_SECONDS))
    times = np.arange(round(minutes * 60 / SAMPLE_SECONDS) + 1) * SAMPLE_SECONDS / 60
    u, s = times / minutes, side.sign
    # A dip and recovery, with a ripple so that it looks like a market (deterministic).
    index = entry_price * (1 - s * (dip * np.sin(np.pi * u) ** 2 + 0.002 * np.sin(14 * np.pi * u) * np.sin(np.pi * u)))
    last = index - s * entry_price * PREMIUM * np.sin(37 * np.pi * u)
    first = min(int(np.searchsorted(times, wick_start - 1e-9)), times.size - 1)
    last[first:first + samples] = entry_price * (1 - s * wick)
    mark = binance_mark_price(index, last, BASIS_SAMPLES)
    collateral = initial_margin(size, entry_price, leverage)
    return MarkVsLast(
        side=side, entry_price=entry_price, size=size, leverage=leverage, maintenance_rate=rate,
        liquidation_price=liquidation_price(side, entry_price, size, collateral, rate),
        times=tuple(float(t) for t in times), index=tuple(float(p) for p in index),
        last=tuple(float(p) for p in last), mark=tuple(float(p) for p in mark),
        wick_start=float(times[first]), wick_seconds=min(samples, times.size - first) * SAMPLE_SECONDS,
        base=require_text("base", base), quote=require_text("quote", quote),
    )
