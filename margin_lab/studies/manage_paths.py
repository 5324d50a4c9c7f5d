"""Daily price paths for lesson 4's position manager, with candle lows and highs.

The named stress scenarios come from :mod:`margin_lab.scenarios`, the seeded random path from
:func:`margin_lab.paths.gbm_paths` (hourly steps read as daily candles); two stylised paths are
made here for the lesson: a "dip" that falls a known depth and recovers, so the worst price is
known exactly, and a "flat" price on which only funding and fees move anything.
Taught in lessons/04_managing_isolated.ipynb.
"""

from __future__ import annotations

import numpy as np

from .._checks import require_count, require_positive, require_range, require_text
from ..paths import PricePaths, gbm_paths
from ..scenarios import SCENARIOS, dip_ramps, scenario

__all__ = ["MANAGE_PATHS", "manage_path"]

#: Path name -> what it does. The first two are made here; the others come from
#: :data:`margin_lab.scenarios.SCENARIOS` and :func:`margin_lab.paths.gbm_paths`.
MANAGE_PATHS: dict[str, str] = {
    "dip": "a smooth fall of `depth` to its low on day days // 3, then a recovery to 5 % above the start; "
           "no wicks, so the low is exactly start × (1 − depth) (stylised)",
    "flat": "the price never moves: only funding and fees change the position",
    **{name: f"stylised {name}: {text}" for name, text in SCENARIOS.items()},
    "random": "one geometric Brownian motion path (60 % annual volatility, hourly steps read as daily candles), "
              "drawn from the seed",
}


def manage_path(name: str, *, days: int = 60, start_price: float = 20_000, seed: int = 7,
                depth: float = 0.15, base: str = "BTC") -> PricePaths:
    """One daily path (closes, lows and highs) for the position manager; see :data:`MANAGE_PATHS`.

    Examples
    --------
    >>> dip = manage_path("dip", days=60)
    >>> float(dip.prices[0, 0]), float(dip.prices.min()), int(dip.prices.argmin()), dip.n_steps
    (20000.0, 17000.0, 20, 60)
    >>> float(manage_path("flat", days=5).prices.max())
    20000.0
    """
    key = require_text("name", name).strip().lower()
    if key not in MANAGE_PATHS:
        raise ValueError(f"path must be one of {', '.join(map(repr, MANAGE_PATHS))}, got {name!r}")
    days = require_count("days", days, minimum=3)
    start = require_positive("start_price", start_price)
    depth = require_range("depth", depth, 0, 0.9, low_open=True, hint="a fraction of the start price")
    if key in SCENARIOS:
        return scenario(key, start_price=start, days=days, assets=base)
    if key == "random":
        fine = gbm_paths(seed=require_count("seed", seed, minimum=0), n_paths=1, days=days, steps_per_day=24,
                         asset=base, start_price=start, volatility=0.6)
        return fine.resample(24)
    t = np.arange(days + 1, dtype=float)
    if key == "flat":
        closes = np.full(days + 1, start)
    else:
        low_day = days // 3
        fall, rise = dip_ramps(t, low_day, days)
        closes = start * (1 - depth * fall + (depth + 0.05) * rise)
        closes[low_day] = start * (1 - depth)
    closes = closes[None, :]
    return PricePaths(closes, t, (base,), closes, closes, description=f"{key} (stylised path)")
