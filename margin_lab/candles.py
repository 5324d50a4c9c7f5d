"""Recorded candles: OHLC(V) values, CSV loading with line-numbered errors, and where a price is touched.

* :func:`load_ohlc` reads candles from a CSV file, Kraken's header-less OHLCVT layout or a
  file with a header, and refuses a bad file with ``"<file> line <n>: <what>"``; nothing is
  dropped silently. :func:`sample_candles` loads the synthetic sample shipped with the package,
  written by :func:`write_sample_csv` from a seeded jump-diffusion (never copied data).
* :func:`touched` finds the first candle whose low (long) or high (short) reaches a price:
  venues liquidate inside a candle, not only at its close.

Stylised stress scenarios live in :mod:`margin_lab.scenarios`, which re-exports these names.
Taught in lessons/04_managing_isolated.ipynb.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from ._checks import require_choice, require_count, require_positive, require_text
from .model import Side
from .paths import PricePaths, jump_diffusion_paths

__all__ = ["SAMPLE_SEED", "Candles", "load_ohlc", "sample_candles", "touched", "write_sample_csv"]


@dataclass(frozen=True, eq=False)
class Candles:
    """OHLC(V) candles, oldest first; read-only arrays of equal length.

    ``timestamps`` are each candle's opening time in unix seconds (int), strictly increasing;
    prices are quote per base unit, > 0, with low <= open, close <= high; ``volume`` (base units,
    >= 0) and ``trades`` (counts) are optional; ``name`` labels the asset.
    """

    timestamps: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray | None = None
    trades: np.ndarray | None = None
    name: str = "asset"

    def __post_init__(self):
        arrays = {f: np.array(getattr(self, f), dtype=float) for f in ("open", "high", "low", "close")}
        stamps = np.array(self.timestamps, dtype=float)
        if stamps.ndim != 1 or not np.all(np.isfinite(stamps) & (stamps == np.round(stamps))):
            raise ValueError(f"timestamps must be whole unix seconds, got {self.timestamps!r}")
        arrays["timestamps"] = stamps.astype(np.int64)
        for f in ("volume", "trades"):
            if getattr(self, f) is not None:
                arrays[f] = np.array(getattr(self, f), dtype=float)
        n = len(arrays["timestamps"])
        for f, a in arrays.items():
            if a.ndim != 1 or len(a) != n or n == 0:
                raise ValueError(f"{f} must be a 1-D array with one value per candle ({n}), at least one, got shape {a.shape}")
        require_text("name", self.name)
        problem = _first_problem(arrays["timestamps"], arrays["open"], arrays["high"], arrays["low"],
                                 arrays["close"], arrays.get("volume"), lambda i: f"candle {i}")
        if problem:
            raise ValueError(f"candle {problem[0]}: {problem[1]}")
        for f, a in arrays.items():
            a.setflags(write=False)
            object.__setattr__(self, f, a)

    def __len__(self) -> int:
        return len(self.timestamps)

    def __repr__(self) -> str:
        return f"Candles(name={self.name!r}, n={len(self)}, from {self.timestamps[0]} to {self.timestamps[-1]})"

    def to_paths(self, interval_days: float | None = None) -> PricePaths:
        """One path: point 0 the first open, point i the close of candle i − 1, with each candle's
        low and high; times in days. ``interval_days`` is a candle's length (default: the
        smallest gap between timestamps; Kraken leaves out candles without trades).

        >>> c = Candles([0, 86_400], open=[100, 101], high=[102, 103], low=[97, 95], close=[101, 99])
        >>> p = c.to_paths()
        >>> p.prices.tolist(), p.low.tolist(), p.times.tolist()
        ([[100.0, 101.0, 99.0]], [[100.0, 97.0, 95.0]], [0.0, 1.0, 2.0])
        """
        if interval_days is None:
            if len(self) < 2:
                raise ValueError("interval_days is needed for a single candle (its length in days, e.g. 1)")
            interval_days = float(np.diff(self.timestamps).min()) / 86_400
        step = require_positive("interval_days", interval_days)
        first = self.open[:1]
        times = np.concatenate([[0.0], (self.timestamps - self.timestamps[0]) / 86_400 + step])
        return PricePaths(np.concatenate([first, self.close])[None, :], times, (self.name,),
                          np.concatenate([first, self.low])[None, :], np.concatenate([first, self.high])[None, :],
                          description=f"{len(self)} candles of {self.name}")

    def summary(self) -> str:
        """One line: how many candles, the span, first open, last close, lowest low, highest high."""
        start, end = (datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%d") for t in self.timestamps[[0, -1]])
        return (f"{self.name}: {len(self):,} candles {start} to {end}; open {self.open[0]:,.2f}, close "
                f"{self.close[-1]:,.2f}, low {self.low.min():,.2f}, high {self.high.max():,.2f}")


def _first_problem(t, o, h, l, c, v, where):
    """(index, what) of the first candle breaking a rule, or None; ``where(i)`` names candle i."""
    earlier, repeat = np.zeros(len(t), bool), np.zeros(len(t), bool)
    earlier[1:], repeat[1:] = t[1:] < t[:-1], t[1:] == t[:-1]
    rules = [(~(np.isfinite(x) & (x > 0)), lambda i, f=f, x=x: f"{f} must be a finite price > 0, got {x[i]:g}")
             for f, x in (("open", o), ("high", h), ("low", l), ("close", c))]
    rules += [
        (h < l, lambda i: f"high {h[i]:g} is below low {l[i]:g}"),
        ((o < l) | (o > h), lambda i: f"open {o[i]:g} is outside [low, high] = [{l[i]:g}, {h[i]:g}]"),
        ((c < l) | (c > h), lambda i: f"close {c[i]:g} is outside [low, high] = [{l[i]:g}, {h[i]:g}]"),
    ]
    if v is not None:
        rules.append((~(np.isfinite(v) & (v >= 0)), lambda i: f"volume must be a finite number >= 0, got {v[i]:g}"))
    rules += [
        (repeat, lambda i: f"timestamp {t[i]} repeats {where(i - 1)}'s: each candle once"),
        (earlier, lambda i: f"timestamp {t[i]} is earlier than {where(i - 1)}'s {t[i - 1]}: candles must be oldest first"),
    ]
    bad = np.logical_or.reduce([mask for mask, _ in rules])
    if not bad.any():
        return None
    i = int(np.argmax(bad))
    return next((i, say(i)) for mask, say in rules if mask[i])


_KRAKEN = ("timestamp", "open", "high", "low", "close", "volume", "trades")
_TIME_NAMES = ("timestamp", "time", "date")


def _decoded_lines(handle, label: str):
    """The file's lines as text, failing with the file name and line number on bytes that are
    not UTF-8 (a byte-order mark at the start is dropped)."""
    for n, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"{label} line {n}: not UTF-8 text (byte {raw[error.start:error.start + 1]!r} "
                             f"at column {error.start + 1}); save the file as UTF-8 CSV") from None


def load_ohlc(
    path: str | os.PathLike,
    layout: str = "kraken",
    *,
    name: str | None = None,
    time_unit: str = "s",
) -> Candles:
    """Read candles from a CSV file, refusing any bad line with the file name and line number.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, comma-separated).
    layout : {"kraken", "header"}
        ``"kraken"``: Kraken's downloadable OHLCVT history, no header, seven fields per line:
        timestamp (unix seconds), open, high, low, close, volume, trades. ``"header"``: a first
        line naming the columns, case-insensitive: ``timestamp``, ``time`` or ``date`` (unix
        seconds or an ISO date/time, UTC unless it says otherwise), ``open``, ``high``, ``low``,
        ``close``; ``volume`` and ``trades`` optional; other columns ignored.
    name : str, optional
        Label of the asset (default: the file's stem, e.g. ``XBTUSD_1440``).
    time_unit : {"s", "ms"}
        Unit of numeric timestamps.

    Returns
    -------
    Candles

    Raises
    ------
    ValueError
        ``"<file> line <n>: <what>"`` for an empty file, a missing column, a wrong number of
        fields, a non-numeric field, a price <= 0, high below low, open or close outside
        [low, high], a negative volume, timestamps repeated or out of order. Blank lines are
        skipped; no candle is ever dropped.

    References
    ----------
    Kraken support, "Downloadable historical OHLCVT (Open, High, Low, Close, Volume, Trades)
    data" (article 360047124832).

    Examples
    --------
    >>> candles = sample_candles()
    >>> len(candles), int(candles.timestamps[0]), candles.summary()[:42]
    (365, 1704067200, 'BTC (synthetic sample): 365 candles 2024-0')
    """
    layout = require_text("layout", layout).strip().lower()
    if layout not in ("kraken", "header"):
        raise ValueError(f"layout must be 'kraken' (no header: {','.join(_KRAKEN)}) or 'header', got {layout!r}")
    if time_unit not in ("s", "ms"):
        raise ValueError(f"time_unit must be 's' (unix seconds) or 'ms' (milliseconds), got {time_unit!r}")
    label = os.fspath(path)
    rows, lines, columns = [], [], None
    with open(path, "rb") as handle:
        reader = csv.reader(_decoded_lines(handle, label))
        for fields in reader:
            n = reader.line_num
            if not any(f.strip() for f in fields):
                continue

            def fail(what, n=n):
                raise ValueError(f"{label} line {n}: {what}")

            if columns is None:
                columns = _columns(fields, layout, fail)
                if layout == "header":
                    continue
            if len(fields) != columns["width"]:
                fail(f"expected {columns['width']} fields ({','.join(columns['names'])}), got {len(fields)}")
            rows.append(_parse_row(fields, columns, time_unit, fail, layout))
            lines.append(n)
    if not rows:
        raise ValueError(f"{label} line {reader.line_num + 1 if columns else 1}: no candles: the file is "
                         f"{'only a header' if columns else 'empty'}")
    t, o, h, l, c, v, k = (np.array(col) for col in zip(*rows))
    has_volume, has_trades = columns["volume"] is not None, columns["trades"] is not None
    problem = _first_problem(t, o, h, l, c, v if has_volume else None, lambda i: f"line {lines[i]}")
    if problem:
        raise ValueError(f"{label} line {lines[problem[0]]}: {problem[1]}")
    stem = os.path.splitext(os.path.basename(label))[0] or "asset"
    return Candles(t, o, h, l, c, v if has_volume else None, k if has_trades else None, name or stem)


def _columns(fields, layout, fail) -> dict:
    """Where each field sits: from Kraken's fixed order, or from the header line."""
    if layout == "kraken":
        return {"width": 7, "names": _KRAKEN, **{f: i for i, f in enumerate(_KRAKEN)}}
    names = [f.strip().lower() for f in fields]
    repeated = sorted({f for f in names if names.count(f) > 1 and f})
    if repeated:
        fail(f"column(s) {repeated} appear twice in the header {names}")
    time = next((f for f in _TIME_NAMES if f in names), None)
    missing = ([] if time else ["timestamp/time/date"]) + [f for f in ("open", "high", "low", "close") if f not in names]
    if missing:
        fail(f"missing column(s) {missing} in the header {names}")
    where = {f: (names.index(f) if f in names else None) for f in ("open", "high", "low", "close", "volume", "trades")}
    return {"width": len(names), "names": names, "timestamp": names.index(time), **where}


def _parse_row(fields, columns, time_unit, fail, layout):
    def number(field):
        text = fields[columns[field]].strip()
        try:
            value = float(text)
        except ValueError:
            hint = "; this looks like a header: use layout='header'" if layout == "kraken" and field == "timestamp" else ""
            fail(f"{field} must be a number, got {text!r}{hint}")
        if field in ("open", "high", "low", "close") and not (math.isfinite(value) and value > 0):
            fail(f"{field} must be a finite price > 0, got {text!r}")
        if field in ("volume", "trades") and not (math.isfinite(value) and value >= 0):
            fail(f"{field} must be a finite number >= 0, got {text!r}")
        if field == "trades" and value != int(value):
            fail(f"trades must be a whole count, got {text!r}")
        return value

    stamp = fields[columns["timestamp"]].strip()
    try:
        seconds = float(stamp) / (1000 if time_unit == "ms" else 1)
    except ValueError:
        seconds = _iso_seconds(stamp, layout, fail)
    if not math.isfinite(seconds) or seconds != int(seconds):
        fail(f"timestamp must be whole unix {'milliseconds' if time_unit == 'ms' else 'seconds'}, got {stamp!r}")
    if time_unit == "s" and abs(seconds) > 1e11:
        fail(f"timestamp {stamp!r} is too large for unix seconds: for milliseconds use time_unit='ms'")
    optional = [number(f) if columns[f] is not None else 0.0 for f in ("volume", "trades")]
    return (int(seconds), *(number(f) for f in ("open", "high", "low", "close")), *optional)


def _iso_seconds(text, layout, fail) -> float:
    if layout == "kraken":
        fail(f"timestamp must be a number (unix seconds), got {text!r}; if this is a header, use layout='header'")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"timestamp must be unix seconds or an ISO date such as 2024-01-31 or 2024-01-31T08:00:00Z, got {text!r}")
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


#: The seed of the shipped sample (margin_lab/data/sample_ohlcvt.csv).
SAMPLE_SEED = 2024
_SAMPLE_START = 1_704_067_200  # 2024-01-01 00:00 UTC: a plausible date for synthetic candles


def write_sample_csv(path: str | os.PathLike, seed: int = SAMPLE_SEED) -> Candles:
    """Write 365 synthetic daily BTC candles in Kraken's layout and return them as loaded.

    The path is :func:`margin_lab.paths.jump_diffusion_paths` with BTC's defaults (start 20,000,
    60 % volatility, stylised jumps) at 24 steps a day, grouped into daily candles (low/high =
    extremes of the hours); volume (BTC) and trade counts are synthetic too. Prices have 2
    decimals. Synthetic: never market data. The shipped sample is this function's output for
    ``SAMPLE_SEED``.
    """
    seed = require_count("seed", seed, minimum=0)
    days = jump_diffusion_paths(seed=seed, n_paths=1, days=365, steps_per_day=24, asset="BTC").resample(24)
    rng = np.random.default_rng([seed, 1])
    prices, low, high = (np.round(a[0], 2) for a in (days.prices, days.low, days.high))
    opens, closes = prices[:-1], prices[1:]
    volume = np.round(800 * (1 + 25 * np.abs(np.log(closes / opens))) * np.exp(0.3 * rng.standard_normal(365)), 4)
    trades = rng.poisson(volume * 12)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for k in range(365):
            handle.write(f"{_SAMPLE_START + 86_400 * k},{opens[k]:.2f},{high[k + 1]:.2f},{low[k + 1]:.2f},"
                         f"{closes[k]:.2f},{volume[k]:.4f},{trades[k]}\n")
    return load_ohlc(path, layout="kraken", name="BTC (synthetic sample)")


def sample_candles() -> Candles:
    """The 365 synthetic daily BTC candles shipped in ``margin_lab/data/sample_ohlcvt.csv``."""
    from importlib.resources import as_file, files

    with as_file(files("margin_lab").joinpath("data", "sample_ohlcvt.csv")) as path:
        return load_ohlc(path, layout="kraken", name="BTC (synthetic sample)")


# ---------------------------------------------------------------------------------------------
# Touches


def _first_touch(sign, low, high, price):
    """Index along the last axis of the first low <= price (sign +1, a long) or high >= price
    (sign −1, a short); −1 where none. Works on arrays of paths."""
    hit = (low <= price) if sign > 0 else (high >= price)
    return np.where(hit.any(axis=-1), hit.argmax(axis=-1), -1)


def touched(side: str | Side, prices: Candles | PricePaths, price: float | None) -> int | None:
    """First candle (or path point) at which a long's LOW, or a short's HIGH, reaches ``price``.

    Parameters
    ----------
    side : "long" or "short"
    prices : Candles or PricePaths
        Candles, or one path of one asset (its low/high if it has them, else its prices).
    price : float or None
        A level in quote per base unit, > 0, e.g. a liquidation price; ``None`` (no price can
        liquidate the position) gives ``None``.

    Returns
    -------
    int or None
        The candle index (Candles) or point index (PricePaths), or ``None`` if never reached.

    Notes
    -----
    Venues trigger on the mark price as it moves, not on the close: a long is liquidated inside
    a candle whose low reaches the liquidation price even if it closes above it (REFERENCE.md §3:
    the liquidation price is a trigger on the mark price). Candles of traded prices only
    approximate the mark, which venues smooth.

    Examples
    --------
    A 10x long of 1 BTC at 20,000 (2,000 collateral, 0.5 %) liquidates at 18,090.45; the second
    candle closes at 19,500, safely above, but its low of 18,000 reaches the trigger:

    >>> candles = Candles([0, 86_400], open=[20_000, 19_800], high=[20_100, 19_900],
    ...                   low=[19_700, 18_000], close=[19_800, 19_500])
    >>> touched("long", candles, 18_090.45), touched("short", candles, 20_500)
    (1, None)
    """
    sign = require_choice("side", side, Side).sign
    if price is None:
        return None
    level = require_positive("price", price)
    if isinstance(prices, Candles):
        low, high = prices.low, prices.high
    elif isinstance(prices, PricePaths):
        if prices.n_assets != 1 or prices.n_paths != 1:
            raise ValueError(f"prices must hold one path of one asset, got {prices!r}: pick with .asset(name) and .path(i)")
        low = (prices.prices if prices.low is None else prices.low).reshape(-1)
        high = (prices.prices if prices.high is None else prices.high).reshape(-1)
    else:
        raise TypeError(f"prices must be Candles or PricePaths, got {type(prices).__name__}")
    index = int(_first_touch(sign, low, high, level))
    return None if index < 0 else index
