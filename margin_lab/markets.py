"""Real market data behind the per-symbol venue presets: Binance USDⓈ-M brackets (a dated snapshot of
Binance's endpoint) and Hyperliquid's margin tiers (its docs), read from ``margin_lab/data`` on first use,
no network. Sources and dates: the JSON files themselves and docs/reference.md §6.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

from .tiers import MaintenanceSchedule

__all__ = ["MARKET_FILES", "DEFAULT_MARKET", "market_data", "market_schedule"]

MARKET_FILES = {"binance_usdm": "binance_usdm_brackets.json", "hyperliquid": "hyperliquid_margin_tiers.json"}
#: The market each venue's teaching default stands for: the course's running example is BTC.
DEFAULT_MARKET = {"binance_usdm": "BTCUSDT", "hyperliquid": "BTC"}


@lru_cache(maxsize=None)
def market_data(key: str) -> dict:
    """The venue's market file (read once, on first use; a few kilobytes, no network)."""
    return json.loads(files("margin_lab").joinpath("data", MARKET_FILES[key]).read_text(encoding="utf-8"))


def market_schedule(key: str, symbol: str) -> MaintenanceSchedule:
    """One market's maintenance schedule, each tier with its maximum leverage.

    Binance: the brackets' floors, rates and maximum leverage (the maintenance amounts follow
    by the recursion and are checked against Binance's own in tests/test_venue_sources.py).
    Hyperliquid: rate = 1 / (2 x the tier's maximum leverage) (docs, trading/margin-tiers).
    """
    market = market_data(key)["markets"][symbol]
    if key == "binance_usdm":
        rows = [(b["floor"], b["maintenance_rate"], b["max_leverage"]) for b in market["brackets"]]
    else:
        rows = [(t["lower_bound"], 1 / (2 * t["max_leverage"]), t["max_leverage"]) for t in market["tiers"]]
    return MaintenanceSchedule(rows)
