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

import json
from dataclasses import replace
from functools import lru_cache
from importlib.resources import files

from ._checks import require_choice, require_positive
from .model import Basis, MarginMode, Venue
from .tiers import MaintenanceSchedule

__all__ = ["VENUES", "GENERIC", "BINANCE_EXAMPLE_BRACKETS", "venue", "maintenance_for", "venue_keys",
           "market_symbols", "FACT_FIELDS", "fact_value"]

_CHECKED = "2026-12-07 (venue pages, field by field in docs/reference.md §6)"

#: Binance's worked bracket example (ADA/BUSD, REFERENCE.md §1): floors and rates; the
#: maintenance amounts 0, 2,500, 27,500, 77,500, 277,500, 1,527,500 follow by the recursion.
#: The worked example of the tier recursion only: no venue preset applies it to a market.
BINANCE_EXAMPLE_BRACKETS = MaintenanceSchedule(
    [(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)]
)

_DATA_FILES = {"binance_usdm": "binance_usdm_brackets.json", "hyperliquid": "hyperliquid_margin_tiers.json"}
#: The market each venue's teaching default stands for: the course's running example is BTC.
_DEFAULT_MARKET = {"binance_usdm": "BTCUSDT", "hyperliquid": "BTC"}


@lru_cache(maxsize=None)
def _market_data(key: str) -> dict:
    """The venue's market file (read once, on first use; a few kilobytes, no network)."""
    return json.loads(files("margin_lab").joinpath("data", _DATA_FILES[key]).read_text(encoding="utf-8"))


def _schedule(key: str, symbol: str) -> MaintenanceSchedule:
    """One market's maintenance schedule, each tier with its maximum leverage.

    Binance: the brackets' floors, rates and maximum leverage (the maintenance amounts follow
    by the recursion and are checked against Binance's own in tests/test_venue_sources.py).
    Hyperliquid: rate = 1 / (2 x the tier's maximum leverage) (docs, trading/margin-tiers).
    """
    market = _market_data(key)["markets"][symbol]
    if key == "binance_usdm":
        rows = [(b["floor"], b["maintenance_rate"], b["max_leverage"]) for b in market["brackets"]]
    else:
        rows = [(t["lower_bound"], 1 / (2 * t["max_leverage"]), t["max_leverage"]) for t in market["tiers"]]
    return MaintenanceSchedule(rows)


GENERIC = Venue(
    key="generic",
    name="Generic teaching venue",
    product="linear perpetual, quote-currency collateral",
    max_leverage=125.0,
    maintenance=MaintenanceSchedule.fixed(0.005),
    taker_fee_rate=0.0,
    basis=Basis.MARK,
    default_mode=MarginMode.ISOLATED,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=True,
    cushion_forfeited=True,
    warning_level=1.5,
    sources=("REFERENCE.md §1 (the one formula for linear contracts)",),
    checked=_CHECKED,
    models=("liquidation at equity = maintenance margin on the mark", "one fixed maintenance rate"),
    leaves_out=("every venue-specific rule: this preset is margin_lab's neutral default",),
    notes="margin_lab's neutral teaching venue: every value is a teaching value, none is a venue's. "
          "Warning level 1.5 (equity = 150 % of maintenance) is margin_lab's default, not a venue rule.",
    illustrative=("max_leverage", "maintenance", "taker_fee_rate", "basis", "default_mode", "isolated_available",
                  "cross_available", "can_switch_open_position", "cushion_forfeited", "warning_level",
                  "cross_liquidation", "margin_level_convention"),
)

KRAKEN_SPOT = Venue(
    key="kraken_spot",
    name="Kraken spot margin",
    product="spot margin (borrowing), account-wide",
    max_leverage=5.0,
    maintenance=None,  # depends on leverage: see maintenance_for()
    taker_fee_rate=0.004,
    basis=Basis.ENTRY,
    default_mode=MarginMode.CROSS,
    isolated_available=False,
    cross_available=True,
    can_switch_open_position=False,
    cushion_forfeited=False,
    warning_level=2.0,
    opening_fee_rate=0.00025,
    rollover_fee_rate=0.00025,
    rollover_interval_hours=4.0,
    cross_liquidation="oldest_first",
    margin_level_convention="equity / used margin (margin call ~80 %, liquidation ~40 %)",
    sources=(
        "support.kraken.com 203325763 (margin call, liquidation, oldest position first)",
        "support.kraken.com 203053116 (margin level = equity / used margin)",
        "support.kraken.com 206161568 (opening and rollover fees: 0.025 % on USD lent for a BTC/USD long)",
        "REFERENCE.md §2",
    ),
    checked=_CHECKED,
    models=(
        "margin level = equity / used margin, used margin = cost / leverage",
        "margin call at ~80 % and automatic liquidation at ~40 % margin level "
        "(as maintenance = 0.4 / leverage of the entry value, warning at twice that)",
        "account-wide (cross) margin; liquidation oldest position first, across all pairs",
        "opening fee and a rollover fee per 4-hour period on the position cost (0.025 %, the rate "
        "Kraken's article gives for USD lent to a BTC/USD long)",
        "losses can exceed the used margin: the remaining equity is not forfeited",
    ),
    leaves_out=(
        "liquidation at Kraken's discretion between ~80 % and ~40 %",
        "a short's used margin held in the borrowed asset (use margin_level_price for that)",
        "per-asset margin fees (BTC lent for a short: 0.01 %), their changes with market conditions "
        "and their lock at order execution",
        "no isolated mode exists on Kraken spot margin",
    ),
    notes="Kraken says the margin-call notice may not arrive (203325763). The taker fee is an illustrative "
          "lowest-tier figure: Kraken's spot fee schedule was not read for this preset.",
    extra={"margin_call_level": 0.8, "liquidation_level": 0.4},
    illustrative=("max_leverage", "taker_fee_rate", "can_switch_open_position"),
)

KRAKEN_DERIVATIVES = Venue(
    key="kraken_derivatives",
    name="Kraken derivatives (multi-collateral)",
    product="linear multi-collateral perpetuals",
    max_leverage=50.0,
    maintenance=MaintenanceSchedule.fixed(0.01),
    taker_fee_rate=0.0005,
    basis=Basis.MARK,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=False,
    cushion_forfeited=False,
    warning_level=2.0,
    funding_interval_hours=1.0,
    sources=(
        "support.kraken.com 360022835671 (Equity Protection Process: liquidation at equity < maintenance, "
        "the IOC order, the remainder kept by the trader; IM 2 %, MM 1 % in its example)",
        "support.kraken.com 360022835651 (margin)",
        "support.kraken.com 4871883902612 (single- vs multi-collateral)",
        "support.kraken.com 4844463246100 (multi-collateral, haircuts)",
        "support.kraken.com 4844429542676 (order form: 'Isolate position' toggle)",
        "support.kraken.com 4844359082772 (linear perpetuals: funding accrues every hour)",
        "support.kraken.com 360048917612 (futures fee schedule: 0.05 % taker up to 100,000 USD of 30-day volume)",
        "REFERENCE.md §2",
    ),
    checked=_CHECKED,
    models=(
        "initial margin from 2 % (50x), maintenance from 1 %",
        "cross by default; isolating is a per-order toggle",
        "liquidation when equity < maintenance margin; the IOC fill at the price where equity stays "
        ">= 0 leaves the trader what remains (cushion returned)",
        "hourly funding",
    ),
    leaves_out=(
        "margin classes and size-dependent schedules (one 1 % rate here)",
        "collateral haircuts on non-USD collateral (BTC backing a short)",
        "switching an open position's mode: no Kraken document says either way; the preset refuses it",
    ),
    notes="Warning at equity = initial margin (2x maintenance) is margin_lab's reading, not a documented rule.",
    illustrative=("can_switch_open_position", "warning_level", "cross_liquidation", "margin_level_convention"),
)

BINANCE_USDM = Venue(
    key="binance_usdm",
    name="Binance USDⓈ-M futures",
    product="linear perpetuals, USDT collateral",
    max_leverage=125.0,
    maintenance=_schedule("binance_usdm", "BTCUSDT"),
    taker_fee_rate=0.0005,
    basis=Basis.MARK,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=False,
    cushion_forfeited=True,
    warning_level=1.25,
    funding_interval_hours=8.0,
    margin_level_convention="margin ratio = maintenance margin / margin balance (100 % = liquidation)",
    sources=(
        "Binance USDⓈ-M leverage brackets, GET /fapi/v1/leverageBracket, snapshot 2024-10-24 "
        "(margin_lab/data/binance_usdm_brackets.json)",
        "Binance FAQ 'How to calculate liquidation price of USDⓈ-M contracts'",
        "Binance COIN-M FAQ (maintenance amount recursion)",
        "Binance FAQ 360038075852 (cross by default; no mode change with open orders or positions)",
        "Binance FAQ 360033525271 (liquidation: mark price trigger, liquidation fee, insurance fund)",
        "Binance FAQ 360033525031 (funding every 8 hours by default)",
        "Binance USDⓈ-M API error codes -4047, -4048 (margin type change refused)",
        "REFERENCE.md §1, §2",
    ),
    checked=_CHECKED,
    models=(
        "tiered maintenance rate and amount on the mark (BTCUSDT's brackets unless a symbol is named)",
        "one-way mode liquidation price, mark price trigger",
        "margin type cannot change with an open position",
        "isolated margin can be added or removed on an open position",
    ),
    leaves_out=(
        "hedge mode (long and short legs on one symbol)",
        "bracket changes since the 2024-10-24 snapshot",
        "Binance's liquidation fee and partial liquidation: the preset forfeits the whole remaining "
        "cushion, where Binance's FAQ says a portion of what remains goes to its insurance fund",
    ),
    notes="Teaching default: BTCUSDT's brackets stand in when no market is named; venue('binance_usdm', "
          "'ETHUSDT') gives another market's. Warning at margin ratio 80 % (equity = 1.25 x maintenance) is "
          "margin_lab's reading.",
    illustrative=("taker_fee_rate", "cushion_forfeited", "warning_level", "cross_liquidation"),
)

BYBIT = Venue(
    key="bybit",
    name="Bybit USDT contracts",
    product="linear perpetuals, USDT collateral",
    max_leverage=100.0,
    maintenance=MaintenanceSchedule.fixed(0.005),
    taker_fee_rate=0.00055,
    basis=Basis.ENTRY,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=False,
    cushion_forfeited=True,
    warning_level=1.25,
    funding_interval_hours=8.0,
    sources=("Bybit help 'Liquidation Price (USDT Contract)'", "Bybit help, UTA margin modes", "REFERENCE.md §1, §2"),
    checked=_CHECKED,
    models=(
        "maintenance on the entry value (USDT isolated example: 1 BTC at 20,000, 50x, MMR 0.5 % -> 19,700)",
        "mark price trigger; the position closes at the bankruptcy price (cushion lost)",
        "the unified account's margin mode applies to the whole account",
    ),
    leaves_out=("risk-limit tiers", "portfolio margin mode"),
    notes="The maximum leverage, taker fee, default mode and funding interval are illustrative: no Bybit page "
          "giving them was read for this preset.",
    illustrative=("max_leverage", "taker_fee_rate", "default_mode", "warning_level", "funding_interval_hours",
                  "cross_liquidation", "margin_level_convention"),
)

BITMEX = Venue(
    key="bitmex",
    name="BitMEX",
    product="perpetual swaps (linear reading of the examples)",
    max_leverage=50.0,
    maintenance=MaintenanceSchedule.fixed(0.01),
    taker_fee_rate=0.00075,
    basis=Basis.ENTRY,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=True,
    cushion_forfeited=True,
    warning_level=1.5,
    funding_interval_hours=8.0,
    sources=("bitmex.com/app/isolatedMarginExamples", "bitmex.com/app/liquidation",
             "bitmex.com/app/fees (perpetuals: 0.075 % taker, funding every 8 hours)", "REFERENCE.md §1, §2"),
    checked=_CHECKED,
    models=(
        "IM 2 % and MM 1 % as in the ETH example (wallet 10,000, long 20 at 1,000 -> 510 / 500)",
        "the maintenance margin is lost on liquidation: taken over at the bankruptcy price",
        "the leverage slider can move an open isolated position back to cross",
    ),
    leaves_out=("inverse (XBT-margined) contract arithmetic", "risk-limit steps", "auto-deleveraging"),
    notes="The default mode is illustrative: the examples read for this preset start in cross but do not "
          "say it is the default.",
    illustrative=("default_mode", "warning_level", "cross_liquidation", "margin_level_convention"),
)

HYPERLIQUID = Venue(
    key="hyperliquid",
    name="Hyperliquid",
    product="linear perpetuals, USDC collateral",
    max_leverage=40.0,
    maintenance=_schedule("hyperliquid", "BTC"),
    taker_fee_rate=0.00045,
    basis=Basis.MARK,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=False,
    # A market liquidation closes through the order book and, with no clearance fee, leaves what
    # is left with the trader; the maintenance margin is kept only in a backstop liquidation
    # (Hyperliquid docs, trading/liquidations), which this preset leaves out.
    cushion_forfeited=False,
    warning_level=1.5,
    funding_interval_hours=1.0,
    sources=("Hyperliquid docs trading/margin-tiers (BTC: 40x up to 150M USDC, 20x above; read 2026-12-07)",
             "trading/liquidations", "trading/margining", "trading/fees (tier 0 perps taker 0.045 %)",
             "trading/funding", "REFERENCE.md §2"),
    checked=_CHECKED,
    models=(
        "maintenance rate = 1 / (2 x the tier's max leverage): 1.25 % for BTC at 40x",
        "cross by default; cross liquidation price independent of the leverage setting",
        "hourly funding",
        "market liquidation through the book: no clearance fee, the cushion stays with the trader",
    ),
    leaves_out=(
        "backstop liquidation below 2/3 of maintenance (takes all cross positions and cross margin, "
        "and keeps the maintenance margin)",
        "the front-end's refusal to switch modes is modelled; the API may differ",
    ),
    notes="Teaching default: BTC's margin tiers stand in when no market is named; venue('hyperliquid', 'ETH') "
          "gives another market's.",
    extra={"backstop_level": 2 / 3},
    illustrative=("can_switch_open_position", "warning_level", "margin_level_convention"),
)

#: Gate's USDT perpetuals: the taker fee is part of the liquidation rate (Gate help, futures
#: 27724: P_liq = (EP − s·M/Q) / (1 − s·(MMR + taker fee))), so ``maintenance`` holds MMR + fee.
_GATE_MMR, _GATE_TAKER = 0.005, 0.00075

GATE = Venue(
    key="gate",
    name="Gate USDT perpetuals",
    product="linear perpetuals, USDT collateral; taker fee counted in the liquidation rate",
    max_leverage=100.0,
    maintenance=MaintenanceSchedule.fixed(_GATE_MMR + _GATE_TAKER),
    taker_fee_rate=_GATE_TAKER,
    basis=Basis.MARK,
    default_mode=MarginMode.CROSS,
    isolated_available=True,
    cross_available=True,
    can_switch_open_position=False,
    cushion_forfeited=True,
    warning_level=1.5,
    sources=("gate.com help futures 27724 'Liquidation price, bankruptcy price' (MMR + taker fee in the rate)",
             "gate.com help futures 22079 (trading fees; the taker rate when paid with points is 0.075 %)",
             "REFERENCE.md §1"),
    checked=_CHECKED,
    models=(
        "liquidation where equity meets (MMR + taker fee) x the value at the mark",
        "an illustrative 0.5 % MMR plus an illustrative 0.075 % taker fee: 0.575 % in the rate",
    ),
    leaves_out=("risk-limit tiers (Gate tiers its maintenance by position value)", "funding",
                "Gate's liquidation process and what happens to the remaining margin"),
    notes="Only the formula is Gate's: the rates, the maximum leverage, the default mode, the switching rule "
          "and the cushion's fate are illustrative (no Gate page giving them was read).",
    extra={"maintenance_rate": _GATE_MMR, "fee_in_rate": _GATE_TAKER},
    illustrative=("max_leverage", "maintenance", "taker_fee_rate", "default_mode", "can_switch_open_position",
                  "cushion_forfeited", "warning_level", "cross_liquidation", "margin_level_convention",
                  "extra.maintenance_rate", "extra.fee_in_rate"),
)

VENUES: dict[str, Venue] = {
    v.key: v for v in (GENERIC, KRAKEN_SPOT, KRAKEN_DERIVATIVES, BINANCE_USDM, BYBIT, BITMEX, HYPERLIQUID, GATE)
}

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
    return list(_market_data(key)["markets"]) if key in _DATA_FILES else []


def _venue_symbol(key: str, symbol: str) -> str:
    """The venue's own notation for a symbol given that way or as CCXT's unified ``BASE/QUOTE:SETTLE``."""
    known = market_symbols(key)
    if not known:
        raise ValueError(f"symbol must be None for {VENUES[key].name}: margin_lab holds no per-market data "
                         f"for it, got {symbol!r}")
    if not isinstance(symbol, str):
        raise TypeError(f"symbol must be a str such as {known[0]!r}, got {symbol!r}")
    text = symbol.strip().upper()
    markets = _market_data(key)["markets"]
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
    schedule = _schedule(key, symbol)
    data = _market_data(key)
    dated = (f"snapshot {data['snapshot_date']}" if "snapshot_date" in data else f"read {data['checked']}")
    return replace(
        preset, symbol=symbol, max_leverage=float(schedule.tiers[0].max_leverage), maintenance=schedule,
        product=f"{preset.product}; market {symbol}",
        sources=(f"margin_lab/data/{_DATA_FILES[key]} ({symbol}, {dated})", *preset.sources),
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
