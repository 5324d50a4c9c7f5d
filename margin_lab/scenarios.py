"""Stylised stress scenarios: deterministic price paths shaped on well-known episodes.

:func:`scenario` builds one deterministic path shaped on a well-known episode ("crash",
"grind", "squeeze", "whipsaw"; see :data:`SCENARIOS`), for one asset or several falling
together with different depths (``betas``). Every scenario is stylised, not market data.

Recorded candles (:class:`Candles`, :func:`load_ohlc`, :func:`sample_candles`,
:func:`write_sample_csv`, :data:`SAMPLE_SEED`) and :func:`touched` live in
:mod:`margin_lab.candles` and are re-exported here, so ``margin_lab.scenarios.load_ohlc`` keeps
working. Taught in lessons/08_capstone.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import require_count, require_positive, require_range, require_text
from .candles import SAMPLE_SEED, Candles, load_ohlc, sample_candles, touched, write_sample_csv
from .paths import PricePaths, _asset_names, _each_asset

__all__ = ["SAMPLE_SEED", "SCENARIOS", "Candles", "dip_ramps", "load_ohlc", "sample_candles", "scenario", "touched",
           "write_sample_csv"]

#: name -> what the scenario does and what it is modelled on (all stylised).
SCENARIOS: dict[str, str] = {
    "crash": "a quiet slide of 0.5 %/day, then one day closing 45 % lower with a low 50 % below the "
             "open, a +8 % rebound and a slow recovery; modelled on 12-13 March 2020, when BitMEX's "
             "BTC perpetual fell from 7,353 to 3,978 in 16 hours, low 3,596 (LedgerPrime research)",
    "grind": "a slow grind down to -60 % over the period (default 180 days) with monthly relief "
             "rallies of a few %; modelled on 2022, when BTC fell from 68,906 (Nov 2021) to "
             "15,516 (Nov 2022), -77.5 % (barchart.com, 'Crypto winter continues')",
    "squeeze": "a quiet drift of -0.3 %/day while shorts pile in, then +40 % in two days with "
               "6 % wicks above the closes, then a fade of 1 %/day; shaped on the short squeeze of "
               "25 July 2021 (over $1 billion of shorts liquidated, BTC 36,000 -> 40,000 in minutes, "
               "48,000 on Binance; PR Newswire, 27 Jul 2021), exaggerated as altcoin squeezes are",
    "whipsaw": "chop of 8-10 % a day in alternating directions with 3 % wicks both ways and no net "
               "trend, so both longs and shorts get hit; stylised range-bound chop such as BTC's "
               "30,000-40,000 range of June-July 2021",
}
_DEFAULT_DAYS = {"crash": 30, "grind": 180, "squeeze": 30, "whipsaw": 30}
_MIN_DAYS = {"crash": 2, "grind": 1, "squeeze": 3, "whipsaw": 1}


def _daily_moves(name: str, days: int):
    """(close, low, high) per day, each a multiple of that day's open (the previous close)."""
    wick = 0.01
    if name == "crash":
        k = max(1, days // 3)  # the crash day, 1-based
        close = np.array([0.995] * (k - 1) + [0.55] + [1.08] * min(1, days - k) + [1.005] * max(0, days - k - 1))
        low, high = np.minimum(close, 1) * (1 - wick), np.maximum(close, 1) * (1 + wick)
        low[k - 1] = 0.50
    elif name == "grind":
        t = np.arange(days + 1) / days
        level = math.log(0.4) * t + 0.04 * np.sin(2 * math.pi * max(1, round(days / 30)) * t)
        close = np.exp(np.diff(level))
        low, high = np.minimum(close, 1) * (1 - 0.015), np.maximum(close, 1) * (1 + 0.015)
    elif name == "squeeze":
        s = min(max(2, 2 * days // 3), days - 1)  # first squeeze day, 1-based
        close = np.array([0.997] * (s - 1) + [1.15, 1.40 / 1.15] + [0.99] * (days - s - 1))
        low, high = np.minimum(close, 1) * (1 - wick), np.maximum(close, 1) * (1 + wick)
        high[s - 1 : s + 1] = close[s - 1 : s + 1] * 1.06
    else:  # whipsaw: log moves sum to zero over each six days
        cycle = np.array([0.09, -0.10, 0.08, -0.08, 0.10, -0.09])
        close = np.exp(np.resize(cycle, days))
        low, high = np.minimum(close, 1) * 0.97, np.maximum(close, 1) * 1.03
    return close, low, high


def scenario(
    name: str,
    start_price: float | Mapping[str, float] | Sequence[float] | None = None,
    days: int | None = None,
    *,
    assets: str | Sequence[str] = "BTC",
    betas: Mapping[str, float] | Sequence[float] | None = None,
) -> PricePaths:
    """One deterministic daily path shaped on a well-known episode, with candle lows and highs.

    Parameters
    ----------
    name : {"crash", "grind", "squeeze", "whipsaw"}
        See :data:`SCENARIOS` for what each does and what it is modelled on.
    start_price : float, or one per asset (mapping or sequence), optional
        Quote per base unit, > 0; defaults from ASSET_DEFAULTS (BTC 20,000, ETH 1,000, SOL 100).
    days : int, optional
        Length in days (default 30; "grind" 180). At least 2 for "crash", 3 for "squeeze".
    assets : str or sequence of str
        One asset, or several that move together.
    betas : mapping or sequence, optional
        Per asset, in (0, 5]: each asset's log move is beta times the scenario's, so a crash of
        −50 % is −50 % for beta 1 and 1 − 0.5^1.5 = −65 % for beta 1.5. Defaults from
        ASSET_DEFAULTS (BTC 1.0, ETH 1.2, SOL 1.5: stylised, altcoins fall further).

    Returns
    -------
    PricePaths
        One path: prices of shape ``(1, days + 1)`` for one asset, ``(n_assets, 1, days + 1)``
        for several; ``low``/``high`` hold each day's extremes.

    Notes
    -----
    Day i opens at the previous close; its close, low and high are fixed multiples of the open
    (for the crash day 0.55, 0.50 and 1.01). An asset with beta β has price S·(M/M_0)^β where M
    is the scenario's level; the power keeps low <= close <= high and prices > 0.

    Examples
    --------
    On the crash day the close is 55 % and the low 50 % of the open, so a 10x long at 20,000 with
    a 0.5 % rate, which liquidates at 18,090.45 (REFERENCE.md §1), is liquidated that day:

    >>> crash = scenario("crash", start_price=20_000, days=30)
    >>> k = 10  # the crash day: days // 3
    >>> [round(float(a[0, k] / crash.prices[0, k - 1]), 2) for a in (crash.prices, crash.low)]
    [0.55, 0.5]
    >>> from margin_lab.scenarios import touched
    >>> touched("long", crash, 18_090.45)
    10
    >>> together = scenario("crash", assets=("BTC", "SOL"), days=3)
    >>> [round(float(together.asset(a).low[0, 1]), 2) for a in ("BTC", "SOL")]  # 0.5**1 and 0.5**1.5
    [10000.0, 35.36]
    """
    key = require_text("name", name).strip().lower()
    if key not in SCENARIOS:
        raise ValueError(f"name must be one of {', '.join(map(repr, SCENARIOS))}, got {name!r}")
    days = require_count("days", _DEFAULT_DAYS[key] if days is None else days, minimum=_MIN_DAYS[key])
    names = _asset_names(assets)
    if start_price is not None and np.ndim(start_price) == 0 and not isinstance(start_price, Mapping):
        if len(names) > 1:
            raise TypeError(f"start_price must give one price per asset {list(names)} (a dict or a sequence), got {start_price!r}")
        start_price = [start_price]
    starts = np.array(_each_asset("start_price", start_price, names, require_positive, "start_price"))
    beta = np.array(_each_asset("betas", betas, names, lambda label, value: require_range(
        label, value, 0.0, 5.0, low_open=True, hint="how many times the scenario's log move this asset makes"), "beta"))

    close, low, high = _daily_moves(key, days)
    level = np.concatenate([[1.0], np.cumprod(close)])
    opens = level[:-1]
    market = [level, np.concatenate([[1.0], opens * low]), np.concatenate([[1.0], opens * high])]
    shape = (len(names), 1, days + 1)
    prices, lows, highs = (starts[:, None, None] * (m[None, None, :] ** beta[:, None, None]) for m in market)
    if len(names) == 1:
        prices, lows, highs = prices[0], lows[0], highs[0]
    else:
        prices, lows, highs = (a.reshape(shape) for a in (prices, lows, highs))
    return PricePaths(prices, np.arange(days + 1, dtype=float), names, lows, highs,
                      description=f"{key} (stylised scenario)")


def dip_ramps(times: np.ndarray, low_time: float, end_time: float) -> tuple[np.ndarray, np.ndarray]:
    """The two smooth ramps of a stylised dip and rebound, each rising from 0 to 1.

    ``fall`` eases from 0 at the start to 1 at ``low_time``; ``rise`` eases from 0 at
    ``low_time`` to 1 at ``end_time`` (half-cosine ramps, so the price turns without a kink). A
    path that falls ``depth`` and ends ``rebound`` above its start is
    ``start·(1 − depth·fall + (depth + rebound)·rise)``: the lesson 2 liquidation path and the
    lesson 4 "dip" are both made this way.

    >>> fall, rise = dip_ramps(np.array([0.0, 1.0, 2.0, 3.0, 4.0]), low_time=2, end_time=4)
    >>> fall.round(12).tolist(), rise.round(12).tolist()
    ([0.0, 0.5, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.5, 1.0])
    """
    times = np.asarray(times, dtype=float)
    fall = (1 - np.cos(np.pi * np.minimum(times, low_time) / low_time)) / 2
    rise = (1 - np.cos(np.pi * np.clip(times - low_time, 0, None) / (end_time - low_time))) / 2
    return fall, rise
