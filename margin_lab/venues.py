"""Venue presets as data: what each exchange's margin rules look like in margin_lab's terms.

Every preset names its sources (REFERENCE.md §2 and the venues' public pages), the date the
facts were checked against REFERENCE.md, which rules it models and which it leaves out.
Lessons teach the general mechanics; presets show where venues differ.

Taker fees are the venues' lowest-volume-tier list prices, given to show that fees exist and
pull the liquidation price toward the entry; they change with 30-day volume and over time.
"""

from __future__ import annotations

from ._checks import require_choice, require_positive
from .model import Basis, MarginMode, Venue
from .tiers import MaintenanceSchedule

__all__ = ["VENUES", "GENERIC", "venue", "maintenance_for", "venue_keys"]

_CHECKED = "2026-11-25 (against shared/REFERENCE.md)"

#: Binance's worked bracket example (ADA/BUSD, REFERENCE.md §1): floors and rates; the
#: maintenance amounts 0, 2,500, 27,500, 77,500, 277,500, 1,527,500 follow by the recursion.
BINANCE_EXAMPLE_BRACKETS = MaintenanceSchedule(
    [(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)]
)

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
    notes="Warning level 1.5 (equity = 150 % of maintenance) is margin_lab's teaching default, not a venue rule.",
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
    opening_fee_rate=0.0002,
    rollover_fee_rate=0.0002,
    rollover_interval_hours=4.0,
    cross_liquidation="oldest_first",
    margin_level_convention="equity / used margin (margin call ~80 %, liquidation ~40 %)",
    sources=(
        "support.kraken.com 203325763 (margin call, liquidation)",
        "support.kraken.com 203053116 (margin level = equity / used margin)",
        "support.kraken.com 203053156 (opening and rollover fees)",
        "support.kraken.com 206161568 (fees)",
        "REFERENCE.md §2",
    ),
    checked=_CHECKED,
    models=(
        "margin level = equity / used margin, used margin = cost / leverage",
        "margin call at ~80 % and automatic liquidation at ~40 % margin level "
        "(as maintenance = 0.4 / leverage of the entry value, warning at twice that)",
        "account-wide (cross) margin; liquidation oldest position first, across all pairs",
        "opening fee and a rollover fee per 4-hour period on the position cost (typical 0.02 %)",
        "losses can exceed the used margin: the remaining equity is not forfeited",
    ),
    leaves_out=(
        "liquidation at Kraken's discretion between ~80 % and ~40 %",
        "a short's used margin held in the borrowed asset (use margin_level_price for that)",
        "per-asset rollover rates (BTC lower) and the fee's lock at order execution",
        "no isolated mode exists on Kraken spot margin",
    ),
    notes="Kraken says the margin-call notice may not arrive (203325763).",
    extra={"margin_call_level": 0.8, "liquidation_level": 0.4},
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
        "support.kraken.com 360022835651, 360022835671 (margin, liquidation)",
        "support.kraken.com 4844463246100 (multi-collateral, haircuts)",
        "support.kraken.com 4871883902612 (liquidation process)",
        "support.kraken.com 4844429542676 (order form: 'Isolate position' toggle)",
        "support.kraken.com 4844359082772 (perpetuals roll and fund every hour)",
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
        "switching an open position's mode: not documented, treated as refused",
    ),
    notes="Warning at equity = initial margin (2x maintenance) is margin_lab's reading, not a documented rule.",
)

BINANCE_USDM = Venue(
    key="binance_usdm",
    name="Binance USDⓈ-M futures",
    product="linear perpetuals, USDT collateral",
    max_leverage=20.0,
    maintenance=BINANCE_EXAMPLE_BRACKETS,
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
        "Binance FAQ 'How to calculate liquidation price of USDⓈ-M contracts'",
        "Binance COIN-M FAQ (maintenance amount recursion)",
        "Binance USDⓈ-M API error codes -4047, -4048 (margin type change refused)",
        "REFERENCE.md §1, §2",
    ),
    checked=_CHECKED,
    models=(
        "tiered maintenance rate and amount on the mark (the ADA/BUSD example brackets)",
        "one-way mode liquidation price, mark price trigger",
        "margin type cannot change with an open position",
        "isolated margin can be added or removed on an open position",
    ),
    leaves_out=(
        "hedge mode (long and short legs on one symbol)",
        "per-symbol brackets: BTCUSDT allows up to 125x with lower first-tier rates",
        "the insurance-fund clearance fee's exact size (the remaining cushion is forfeited here)",
    ),
    notes="Warning at margin ratio 80 % (equity = 1.25 x maintenance) is margin_lab's reading.",
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
        "maintenance on the entry value (USDT isolated example: 1 BTC at 20,000, 50x -> 19,700)",
        "mark price trigger; the position closes at the bankruptcy price (cushion lost)",
        "the unified account's margin mode applies to the whole account",
    ),
    leaves_out=("risk-limit tiers", "portfolio margin mode"),
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
    sources=("bitmex.com/app/isolatedMarginExamples", "bitmex.com/app/liquidation", "REFERENCE.md §1, §2"),
    checked=_CHECKED,
    models=(
        "IM 2 % and MM 1 % as in the ETH example (wallet 10,000, long 20 at 1,000 -> 510 / 500)",
        "the maintenance margin is lost on liquidation: taken over at the bankruptcy price",
        "the leverage slider can move an open isolated position back to cross",
    ),
    leaves_out=("inverse (XBT-margined) contract arithmetic", "risk-limit steps", "auto-deleveraging"),
)

HYPERLIQUID = Venue(
    key="hyperliquid",
    name="Hyperliquid",
    product="linear perpetuals, USDC collateral",
    max_leverage=50.0,
    maintenance=MaintenanceSchedule.fixed(1 / (2 * 50.0)),
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
    sources=("Hyperliquid docs trading/liquidations", "trading/margining", "trading/margin-tiers", "trading/funding", "REFERENCE.md §2"),
    checked=_CHECKED,
    models=(
        "maintenance rate = 1 / (2 x max leverage): 1 % at 50x",
        "cross by default; cross liquidation price independent of the leverage setting",
        "hourly funding",
        "market liquidation through the book: no clearance fee, the cushion stays with the trader",
    ),
    leaves_out=(
        "backstop liquidation below 2/3 of maintenance (takes all cross positions and cross margin, "
        "and keeps the maintenance margin)",
        "margin tiers for large positions",
        "the front-end's refusal to switch modes is modelled; the API may differ",
    ),
    extra={"backstop_level": 2 / 3},
)

VENUES: dict[str, Venue] = {
    v.key: v for v in (GENERIC, KRAKEN_SPOT, KRAKEN_DERIVATIVES, BINANCE_USDM, BYBIT, BITMEX, HYPERLIQUID)
}


def venue_keys() -> list[str]:
    """The preset keys, in the order lessons show them."""
    return list(VENUES)


def venue(key: str | Venue) -> Venue:
    """Look up a preset by key (``"binance_usdm"``) or pass a Venue through.

    Examples
    --------
    >>> venue("bybit").basis
    <Basis.ENTRY: 'entry'>
    """
    if isinstance(key, Venue):
        return key
    if not isinstance(key, str) or key not in VENUES:
        raise ValueError(f"venue must be one of {sorted(VENUES)}, got {key!r}")
    return VENUES[key]


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
    0.01
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
