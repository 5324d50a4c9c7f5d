"""Coin defaults for the own-book study: volatility and correlations from real 2024 daily closes.

``margin_lab/data/daily_closes_2024.csv`` holds the close of every UTC day of 2024 of Binance spot
BTCUSDT, ETHUSDT and SOLUSDT (366 closes a coin); its sidecar ``daily_closes_2024.json`` names the
public copy it was taken from (repository, path, commit) and how it was checked.
:func:`coin_defaults` turns it into the own-book study's default volatility per coin and
correlation per pair of coins (:func:`margin_lab.studies.own_book.own_book`). Everything is read once and cached; nothing touches the network.
Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .._checks import require_text
from ..candles import Candles
from ..paths import ASSET_DEFAULTS

__all__ = ["PriceSample", "price_sample", "annual_volatility", "return_correlation", "DAYS_A_YEAR",
           "CoinDefaults", "coin_defaults", "estimate_volatility", "DEFAULT_CORRELATION"]

#: Crypto trades every day: daily volatility is annualised with √365, not √252.
DAYS_A_YEAR = 365.0
_CSV, _JSON = "daily_closes_2024.csv", "daily_closes_2024.json"
_COINS = {"BTCUSDT": "BTC", "ETHUSDT": "ETH", "SOLUSDT": "SOL"}
#: Illustrative: the correlation used for a pair of coins that the bundled price sample does not hold
#: (crypto majors move together; the sample's BTC, ETH and SOL pairs are 0.70 to 0.80).
DEFAULT_CORRELATION = 0.8


def annual_volatility(closes) -> float:
    """Annualised volatility of daily closes: the standard deviation (ddof=1) of the daily log
    returns ln(P_t / P_t−1), times √365 (crypto trades every day of the year).

    Closes 100, 110, 100: returns +ln 1.1 and −ln 1.1, standard deviation √2 · 0.09531 = 0.13479
    a day, times √365 = 19.105: 2.5751 a year.

    >>> round(annual_volatility([100, 110, 100]), 4)
    2.5751
    """
    prices = np.asarray(closes, dtype=float)
    if prices.ndim != 1 or prices.size < 3 or not np.all(np.isfinite(prices)) or np.any(prices <= 0):
        raise ValueError(f"closes must be at least 3 positive prices, got {closes!r}")
    return float(np.diff(np.log(prices)).std(ddof=1) * math.sqrt(DAYS_A_YEAR))


def return_correlation(first, second) -> float:
    """Pearson correlation of the daily log returns of two close series of the same days.

    A coin whose every daily log return is twice the other's (its price is the square of the
    other's, scaled) moves as one with it; its mirror image moves against it:

    >>> round(return_correlation([100, 110, 99, 104], [100, 121, 98.01, 108.16]), 9)
    1.0
    >>> round(return_correlation([100, 110, 99, 104], [100, 100 / 1.1, 100 / 0.99, 100 / 1.04]), 9)
    -1.0
    """
    a, b = (np.asarray(x, dtype=float) for x in (first, second))
    if a.shape != b.shape or a.ndim != 1 or a.size < 3 or np.any(a <= 0) or np.any(b <= 0):
        raise ValueError(f"first and second must be positive close series of the same length >= 3, "
                         f"got lengths {a.size} and {b.size}")
    return float(np.corrcoef(np.diff(np.log(a)), np.diff(np.log(b)))[0, 1])


@dataclass(frozen=True)
class PriceSample:
    """Daily closes per coin (read-only arrays), their dates and where they come from."""

    dates: tuple[str, ...]
    closes: Mapping[str, np.ndarray]
    source: str

    @property
    def period(self) -> str:
        return f"{self.dates[0]} to {self.dates[-1]}"

    def volatility(self, coin: str) -> float:
        """Annualised volatility of ``coin`` over the sample (:func:`annual_volatility`)."""
        return annual_volatility(self.closes[coin])

    def correlation(self, first: str, second: str) -> float:
        """Correlation of the daily log returns of two coins (:func:`return_correlation`)."""
        return return_correlation(self.closes[first], self.closes[second])

    def summary(self) -> str:
        coins = ", ".join(self.closes)
        return (f"{len(self.dates)} daily closes of {coins} ({self.period}), {len(self.dates) - 1} daily log returns; "
                f"{self.source}")


@lru_cache(maxsize=1)
def price_sample() -> PriceSample:
    """The bundled 2024 sample: daily closes of Binance spot BTCUSDT, ETHUSDT, SOLUSDT.

    >>> sample = price_sample()
    >>> len(sample.dates), sample.period, list(sample.closes)
    (366, '2024-01-01 to 2024-12-31', ['BTC', 'ETH', 'SOL'])
    >>> float(sample.closes["BTC"][-1])
    93576.0
    """
    data = files("margin_lab").joinpath("data")
    lines = data.joinpath(_CSV).read_text(encoding="utf-8").split()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    closes = {}
    for column, symbol in enumerate(header[1:], start=1):
        values = np.array([float(row[column]) for row in rows])
        values.setflags(write=False)
        closes[_COINS[symbol]] = values
    meta = json.loads(data.joinpath(_JSON).read_text(encoding="utf-8"))
    repo = meta["source"]["repository"].removeprefix("https://github.com/")
    source = (f"Binance spot daily klines, close at the end of each UTC day, as copied in the public repository "
              f"{repo} (data/*USDT_1d.csv; margin_lab/data/{_JSON} names paths and commits)")
    return PriceSample(tuple(row[0] for row in rows), MappingProxyType(closes), source)


def estimate_volatility(candles: Candles) -> float:
    """Annual volatility of a candle series: the standard deviation of the log returns from close to
    close (ddof=1), times √(candles a year), on a 365-day year.

    Closes 110, 121, 110: returns +ln 1.1 and −ln 1.1, sd 2·0.09531/√2 = 0.13479 a day, times √365:

    >>> c = Candles([0, 86_400, 172_800], open=[100, 110, 121], high=[110, 121, 121], low=[100, 110, 110],
    ...             close=[110, 121, 110])
    >>> round(estimate_volatility(c), 4)
    2.5751
    """
    if not isinstance(candles, Candles):
        raise TypeError(f"candles must be a Candles, got {candles!r} of type {type(candles).__name__}")
    if len(candles) < 3:
        raise ValueError(f"candles must hold at least 3 candles to estimate a volatility, got {len(candles)}")
    returns = np.diff(np.log(candles.close))
    interval_days = float(np.diff(candles.timestamps).min()) / 86_400
    return float(returns.std(ddof=1) * math.sqrt(365.0 / interval_days))


@dataclass(frozen=True)
class CoinDefaults:
    """Annual volatility per coin, the correlation of each pair of coins, and where each number comes from.

    ``correlations`` is keyed by a pair of coins in alphabetical order, ``("BTC", "ETH")``; a pair it
    does not hold has the illustrative :data:`DEFAULT_CORRELATION` (:meth:`correlation`).
    """

    volatility: Mapping[str, float]
    correlations: Mapping[tuple[str, str], float]
    sources: Mapping[str, str]

    def correlation(self, first: str, second: str) -> float:
        """The correlation of two coins' daily log returns: 1 for a coin with itself, the estimate
        when the sample holds both coins, else the illustrative :data:`DEFAULT_CORRELATION`."""
        first, second = sorted((require_text("first", first).upper(), require_text("second", second).upper()))
        return 1.0 if first == second else float(self.correlations.get((first, second), DEFAULT_CORRELATION))

    def summary(self) -> str:
        """Each coin's volatility, each pair's correlation, then the source shared by the estimates."""
        shared = self.sources["correlation"]
        lines = [f"{coin}: volatility {vol:.0%} a year" + ("" if self.sources[coin] == shared else
                                                           f" ({self.sources[coin]})")
                 for coin, vol in self.volatility.items()]
        pairs = ", ".join(f"{a}-{b} {rho:.2f}" for (a, b), rho in self.correlations.items())
        lines.append(f"correlation of daily returns: {pairs}; any other pair {DEFAULT_CORRELATION:g} (illustrative)")
        lines.append(shared[0].upper() + shared[1:] + ".")
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _sample_defaults() -> CoinDefaults:
    sample = price_sample()
    volatility = {name: a.volatility for name, a in ASSET_DEFAULTS.items()}
    sources = {name: "stylised default, ASSET_DEFAULTS: no real prices bundled" for name in ASSET_DEFAULTS}
    where = (f"estimated from the {len(sample.dates) - 1} daily log returns of Binance spot closes, {sample.period} "
             f"(margin_lab/data/daily_closes_2024.csv); volatility annualised with the square root of 365 days")
    for coin in sample.closes:
        volatility[coin] = sample.volatility(coin)
        sources[coin] = where
    coins = sorted(sample.closes)
    correlations = {(a, b): sample.correlation(a, b) for i, a in enumerate(coins) for b in coins[i + 1:]}
    sources["correlation"] = where
    return CoinDefaults(MappingProxyType(volatility), MappingProxyType(correlations), MappingProxyType(sources))


def coin_defaults(candles: Candles | None = None, coin: str = "BTC") -> CoinDefaults:
    """Volatility and correlation defaults per coin, estimated from real daily closes.

    Without ``candles``: BTC, ETH and SOL from the bundled sample
    (:func:`margin_lab.studies.coin_sample.price_sample`: the close of every UTC day of 2024 of
    Binance spot BTCUSDT, ETHUSDT, SOLUSDT), annualised on 365 days; other coins keep the
    stylised :data:`margin_lab.paths.ASSET_DEFAULTS` volatility. Computed once and cached.
    With ``candles`` (your own, ``ml.load_ohlc(...)``): ``coin``'s volatility from them instead.

    >>> d = coin_defaults()
    >>> round(d.volatility["BTC"], 2), round(d.volatility["ETH"], 2), round(d.correlation("ETH", "BTC"), 2)
    (0.53, 0.64, 0.8)
    """
    defaults = _sample_defaults()
    if candles is None:
        return defaults
    coin = require_text("coin", coin).upper()
    volatility, sources = dict(defaults.volatility), dict(defaults.sources)
    volatility[coin] = estimate_volatility(candles)
    start, end = (np.datetime64(int(t), "s").astype("datetime64[D]") for t in candles.timestamps[[0, -1]])
    sources[coin] = f"estimated from {len(candles)} daily candles of {candles.name}, {start} to {end}"
    return CoinDefaults(MappingProxyType(volatility), defaults.correlations, MappingProxyType(sources))
