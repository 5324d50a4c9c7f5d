"""Venue presets as data: what each exchange's margin rules look like in margin_lab's terms.

Every preset names its sources (the venues' public pages, listed field by field with the date
checked in docs/reference.md §6), which rules it models and which it leaves out, and in
``illustrative`` the fields whose values no public venue page gives (margin_lab's teaching
values, labelled as such). Lessons teach the general mechanics; presets show where venues differ.

``venue(key)`` is a venue's teaching default; ``venue(key, symbol)`` the same venue with one
real market's maximum leverage and maintenance schedule (Binance USDⓈ-M brackets from a dated
snapshot of Binance's endpoint, Hyperliquid's margin tiers from its docs), read lazily from the
JSON files in ``margin_lab/data``.

Taker fees are the venues' lowest-volume-tier list prices where a venue page gives them, shown
to make the point that fees exist and pull the liquidation price toward the entry; they change
with 30-day volume and over time.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ._checks import require_choice, require_positive
from .markets import MARKET_FILES, market_data, market_schedule
from .model import Basis, MarginMode, Venue
from .presets import BINANCE_EXAMPLE_BRACKETS, GENERIC, VENUES
from .tiers import MaintenanceSchedule

__all__ = ["VENUES", "GENERIC", "BINANCE_EXAMPLE_BRACKETS", "venue", "maintenance_for", "venue_keys",
           "market_symbols", "FACT_FIELDS", "fact_value"]

#: The fields of a preset that state a venue fact (the rest are its name, sources and notes).
FACT_FIELDS: tuple[str, ...] = (
    "max_leverage", "maintenance", "taker_fee_rate", "basis", "default_mode", "isolated_available",
    "cross_available", "can_switch_open_position", "cushion_forfeited", "warning_level", "funding_interval_hours",
    "opening_fee_rate", "rollover_fee_rate", "rollover_interval_hours", "cross_liquidation",
    "margin_level_convention",
)


def venue_keys() -> list[str]:
    """The preset keys, in the order lessons show them."""
    return list(VENUES)


def market_symbols(key: str) -> list[str]:
    """The markets a venue preset holds real data for, in the venue's own notation.

    >>> market_symbols("binance_usdm"), market_symbols("bybit")
    (['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], [])
    """
    venue(key)
    return list(market_data(key)["markets"]) if key in MARKET_FILES else []


def _venue_symbol(key: str, symbol: str) -> str:
    """The venue's own notation for a symbol given that way or as CCXT's unified ``BASE/QUOTE:SETTLE``."""
    known = market_symbols(key)
    if not known:
        raise ValueError(f"symbol must be None for {VENUES[key].name}: margin_lab holds no per-market data "
                         f"for it, got {symbol!r}")
    if not isinstance(symbol, str):
        raise TypeError(f"symbol must be a str such as {known[0]!r}, got {symbol!r}")
    text = symbol.strip().upper()
    markets = market_data(key)["markets"]
    for name, market in markets.items():
        if text in (name, market["ccxt_symbol"]):
            return name
    raise ValueError(f"symbol must be one of {known} (or its CCXT form, e.g. {markets[known[0]]['ccxt_symbol']!r}) "
                     f"for {VENUES[key].name}, got {symbol!r}")


def venue(key: str | Venue, symbol: str | None = None) -> Venue:
    """Look up a preset by key (``"binance_usdm"``), optionally for one market; a Venue passes through.

    Parameters
    ----------
    key : str or Venue
        A preset key (:func:`venue_keys`).
    symbol : str, optional
        A market in the venue's own notation (``"BTCUSDT"`` on Binance, ``"BTC"`` on Hyperliquid) or
        CCXT's unified form (``"BTC/USDT:USDT"``): the preset then carries that market's real maximum
        leverage and maintenance schedule (Binance brackets, snapshot 2024-10-24; Hyperliquid margin
        tiers, read 2026-12-07). Without one: the teaching default, which says so in its ``notes``
        and ``description``.

    Raises
    ------
    ValueError
        An unknown key, or a symbol the venue has no data for (the message lists the known ones).

    Examples
    --------
    >>> venue("bybit").basis
    <Basis.ENTRY: 'entry'>
    >>> btc = venue("binance_usdm", "BTC/USDT:USDT")
    >>> btc.symbol, btc.max_leverage, btc.maintenance.rate(0)
    ('BTCUSDT', 125.0, 0.004)
    >>> venue("hyperliquid", "ETH").max_leverage, venue("hyperliquid", "BTC").maintenance.rate(0)
    (25.0, 0.0125)
    """
    if isinstance(key, Venue):
        if symbol is None:
            return key
        key = key.key
    if not isinstance(key, str) or key not in VENUES:
        raise ValueError(f"venue must be one of {sorted(VENUES)}, got {key!r}")
    preset = VENUES[key]
    if symbol is None:
        return preset
    return _market_venue(key, _venue_symbol(key, symbol))


@lru_cache(maxsize=None)
def _market_venue(key: str, symbol: str) -> Venue:
    preset = VENUES[key]
    schedule = market_schedule(key, symbol)
    data = market_data(key)
    dated = (f"snapshot {data['snapshot_date']}" if "snapshot_date" in data else f"read {data['checked']}")
    return replace(
        preset, symbol=symbol, max_leverage=float(schedule.tiers[0].max_leverage), maintenance=schedule,
        product=f"{preset.product}; market {symbol}",
        sources=(f"margin_lab/data/{MARKET_FILES[key]} ({symbol}, {dated})", *preset.sources),
        notes=" ".join([f"Market {symbol}: its real maximum leverage and maintenance schedule ({dated})."]
                       + [line.rstrip(".") + "." for line in preset.notes.split(". ")
                          if not line.startswith("Teaching default")]),
    )


def fact_value(preset: Venue, field: str) -> str:
    """A preset field's value as docs/reference.md §6 writes it (rates as percent, schedules tier by tier,
    ``"extra.<name>"`` for an entry of the preset's ``extra``).

    >>> fact_value(venue("hyperliquid"), "maintenance")
    '1.25 % from 0, 2.5 % from 150,000,000'
    >>> fact_value(venue("kraken_spot"), "maintenance"), fact_value(venue("bybit"), "basis")
    ('0.4 / leverage', 'entry')
    """
    if field.startswith("extra.") and field[6:] in preset.extra:
        return f"{preset.extra[field[6:]]:g}"
    if field not in FACT_FIELDS:
        raise ValueError(f"field must be one of {list(FACT_FIELDS)} or 'extra.<name>', got {field!r}")
    value = getattr(preset, field)
    if field == "maintenance":
        if value is None:
            return f"{preset.extra['liquidation_level']:g} / leverage"
        return ", ".join(f"{100 * t.rate:.4g} % from {t.floor_notional:,.0f}" for t in value.tiers)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Basis, MarginMode)):
        return value.value
    if field.endswith("_rate"):
        return f"{100 * value:.4g} %"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def maintenance_for(preset: str | Venue, leverage: float | None = None) -> MaintenanceSchedule:
    """The maintenance schedule a preset applies, for a position opened at ``leverage``.

    Kraken spot margin liquidates at a margin level of about 40 % of the used margin
    (cost / leverage), which is a maintenance rate of 0.4 / leverage on the entry value; every
    other preset has a schedule of its own and ignores the leverage.

    References
    ----------
    Kraken support 203325763 and 203053116; REFERENCE.md §1 (Kraken spot margin-call example)
    and §2.

    Examples
    --------
    Kraken spot at 5x: liquidation at 40 % of a 20 % used margin = 8 % of the entry value:

    >>> maintenance_for("kraken_spot", leverage=5).rate(0)
    0.08
    >>> maintenance_for("hyperliquid").rate(0)
    0.0125
    """
    preset = venue(preset)
    if preset.maintenance is not None:
        return preset.maintenance
    if leverage is None:
        raise ValueError(f"leverage must be given for {preset.name}: its maintenance depends on it, got None")
    leverage = require_positive("leverage", leverage)
    if leverage > preset.max_leverage:
        raise ValueError(f"leverage must be in (0, {preset.max_leverage:g}] for {preset.name}, got {leverage!r}")
    return MaintenanceSchedule.fixed(preset.extra["liquidation_level"] / leverage)


def default_mode(preset: str | Venue) -> MarginMode:
    """The margin mode a new position gets on this venue unless the trader chooses otherwise."""
    return require_choice("mode", venue(preset).default_mode, MarginMode)
