"""The venue presets as data: each exchange's margin rules in margin_lab's terms, with the sources of
every field (docs/reference.md §6) and the fields that are teaching values (``illustrative``).

Looked up through :func:`margin_lab.venues.venue`.
"""

from __future__ import annotations

from .markets import market_schedule
from .model import Basis, MarginMode, Venue
from .tiers import MaintenanceSchedule

__all__ = ["VENUES", "GENERIC", "KRAKEN_SPOT", "KRAKEN_DERIVATIVES", "BINANCE_USDM", "BYBIT", "BITMEX",
           "HYPERLIQUID", "GATE", "BINANCE_EXAMPLE_BRACKETS", "CHECKED"]

CHECKED = "2026-12-07 (venue pages, field by field in docs/reference.md §6)"

#: Binance's worked bracket example (ADA/BUSD, REFERENCE.md §1): floors and rates; the
#: maintenance amounts 0, 2,500, 27,500, 77,500, 277,500, 1,527,500 follow by the recursion.
#: The worked example of the tier recursion only: no venue preset applies it to a market.
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
    checked=CHECKED,
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
    checked=CHECKED,
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


def _perpetual(**fields: object) -> Venue:
    """A perpetuals preset: cross by default with both modes offered (what every perpetuals venue
    below states or is labelled illustrative for), checked on :data:`CHECKED`; ``fields`` give
    the rest."""
    return Venue(**{"default_mode": MarginMode.CROSS, "isolated_available": True, "cross_available": True,
                    "checked": CHECKED, **fields})


KRAKEN_DERIVATIVES = _perpetual(
    key="kraken_derivatives",
    name="Kraken derivatives (multi-collateral)",
    product="linear multi-collateral perpetuals",
    max_leverage=50.0,
    maintenance=MaintenanceSchedule.fixed(0.01),
    taker_fee_rate=0.0005,
    basis=Basis.MARK,
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

BINANCE_USDM = _perpetual(
    key="binance_usdm",
    name="Binance USDⓈ-M futures",
    product="linear perpetuals, USDT collateral",
    max_leverage=125.0,
    maintenance=market_schedule("binance_usdm", "BTCUSDT"),
    taker_fee_rate=0.0005,
    basis=Basis.MARK,
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

BYBIT = _perpetual(
    key="bybit",
    name="Bybit USDT contracts",
    product="linear perpetuals, USDT collateral",
    max_leverage=100.0,
    maintenance=MaintenanceSchedule.fixed(0.005),
    taker_fee_rate=0.00055,
    basis=Basis.ENTRY,
    can_switch_open_position=False,
    cushion_forfeited=True,
    warning_level=1.25,
    funding_interval_hours=8.0,
    sources=("Bybit help 'Liquidation Price (USDT Contract)'", "Bybit help, UTA margin modes", "REFERENCE.md §1, §2"),
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

BITMEX = _perpetual(
    key="bitmex",
    name="BitMEX",
    product="perpetual swaps (linear reading of the examples)",
    max_leverage=50.0,
    maintenance=MaintenanceSchedule.fixed(0.01),
    taker_fee_rate=0.00075,
    basis=Basis.ENTRY,
    can_switch_open_position=True,
    cushion_forfeited=True,
    warning_level=1.5,
    funding_interval_hours=8.0,
    sources=("bitmex.com/app/isolatedMarginExamples", "bitmex.com/app/liquidation",
             "bitmex.com/app/fees (perpetuals: 0.075 % taker, funding every 8 hours)", "REFERENCE.md §1, §2"),
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

HYPERLIQUID = _perpetual(
    key="hyperliquid",
    name="Hyperliquid",
    product="linear perpetuals, USDC collateral",
    max_leverage=40.0,
    maintenance=market_schedule("hyperliquid", "BTC"),
    taker_fee_rate=0.00045,
    basis=Basis.MARK,
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

GATE = _perpetual(
    key="gate",
    name="Gate USDT perpetuals",
    product="linear perpetuals, USDT collateral; taker fee counted in the liquidation rate",
    max_leverage=100.0,
    maintenance=MaintenanceSchedule.fixed(_GATE_MMR + _GATE_TAKER),
    taker_fee_rate=_GATE_TAKER,
    basis=Basis.MARK,
    can_switch_open_position=False,
    cushion_forfeited=True,
    warning_level=1.5,
    sources=("gate.com help futures 27724 'Liquidation price, bankruptcy price' (MMR + taker fee in the rate)",
             "gate.com help futures 22079 (trading fees; the taker rate when paid with points is 0.075 %)",
             "REFERENCE.md §1"),
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
