"""Compute step of the lesson 5 figures: the same portfolio all isolated and all cross.

:func:`cross_vs_isolated` opens two or three positions (a preset from :data:`PORTFOLIOS`) from
one wallet, replays them through a stylised scenario of :mod:`margin_lab.scenarios` with
:func:`margin_lab.replay.compare_modes`, and returns a frozen :class:`CrossVsIsolated`: equity
over time per mode, the liquidations and margin calls, and how much each mode lost. The
replay uses daily closes: the engine marks every position at its own worst price of the day
when candles are given, which for a hedged pair would assume both legs hit their worst prints
at the same instant.

The prices of :mod:`margin_lab.studies.cross_prices` (leverage setting, Hyperliquid backstop)
complete the lesson. Taught in lessons/05_cross_margin.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import require_count, require_fraction, require_positive, require_text
from ..model import MarginMode
from ..paths import ASSET_DEFAULTS
from ..replay import Leg, Portfolio, Replay, compare_modes
from ..scenarios import SCENARIOS
from ..scenarios import scenario as _scenario
from ..text import amount, number, percent, quantity

__all__ = ["PORTFOLIOS", "SCENARIO_DAYS", "ReplayMarker", "ModeTrack", "CrossVsIsolated", "cross_vs_isolated"]

#: Portfolio presets: key -> (label, legs as (asset, side)), every leg with the same margin.
PORTFOLIOS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "two_longs": ("Two longs (BTC, ETH)", (("BTC", "long"), ("ETH", "long"))),
    "hedged_pair": ("Hedged pair (BTC long, ETH short)", (("BTC", "long"), ("ETH", "short"))),
    "three_longs": ("Three longs (BTC, ETH, SOL)", (("BTC", "long"), ("ETH", "long"), ("SOL", "long"))),
}

#: Days each scenario runs in the lesson: 30 daily steps (60 for the slow grind).
SCENARIO_DAYS: dict[str, int] = {"crash": 30, "squeeze": 30, "whipsaw": 30, "grind": 60}


@dataclass(frozen=True)
class ReplayMarker:
    """What happened at the close of one day in one mode: liquidations or margin calls.

    ``loss`` (quote currency) is the sum of the liquidated positions' losses, 0 for margin
    calls; ``equity`` is the account equity after that day.
    """

    time: float
    equity: float
    kind: str
    symbols: tuple[str, ...]
    loss: float = 0.0

    @property
    def label(self) -> str:
        """Legend text: ``"Day 10: BTC, ETH liquidated (lost 4,000.00)"``."""
        names = ", ".join(self.symbols)
        if self.kind == "liquidation":
            return f"Day {self.time:g}: {names} liquidated (lost {number(self.loss)})"
        return f"Day {self.time:g}: margin call on {names}"


@dataclass(frozen=True)
class ModeTrack:
    """One mode's run: equity per day, the markers, and the equity it can never lose.

    ``floor`` is what no price can take: the wallet left after posting isolated collateral and
    paying the fees (isolated), 0 (cross: the whole wallet backs the positions).
    """

    mode: MarginMode
    times: tuple[float, ...]
    equity: tuple[float, ...]
    floor: float
    markers: tuple[ReplayMarker, ...]
    start_value: float
    liquidated: tuple[str, ...]

    @property
    def final_equity(self) -> float:
        return self.equity[-1]

    @property
    def loss(self) -> float:
        """Start value − final equity (negative for a gain)."""
        return self.start_value - self.final_equity

    @property
    def first_liquidation(self) -> float | None:
        """Day of the first liquidation, None if nothing was liquidated."""
        return next((m.time for m in self.markers if m.kind == "liquidation"), None)

    def outcome(self, quote: str) -> str:
        name = "All isolated" if self.mode is MarginMode.ISOLATED else "All cross"
        gone = [m for m in self.markers if m.kind == "liquidation"]
        if gone:
            events = "; ".join(f"{', '.join(m.symbols)} liquidated on day {m.time:g}" for m in gone)
        else:
            events = "nothing liquidated"
        verb = "lost" if self.loss >= 0 else "gained"
        share = percent(abs(self.loss) / self.start_value, 1)
        if self.mode is MarginMode.ISOLATED:
            cap = f"no price could take the {amount(self.floor, quote)} left in the wallet"
        else:
            cap = "the whole wallet was at risk"
        return (f"{name}: {events}; ends with {amount(self.final_equity, quote)} ({verb} "
                f"{amount(abs(self.loss), quote)}, {share} of the wallet); {cap}.")


def _track(run: Replay, mode: MarginMode) -> ModeTrack:
    markers = []
    for record in run.records:
        for kind in ("liquidation", "margin_call"):
            events = [e for e in record.events if e.kind == kind]
            if events:
                symbols = tuple(dict.fromkeys(e.symbol for e in events))
                loss = sum(e.loss for e in events) if kind == "liquidation" else 0.0
                markers.append(ReplayMarker(record.time, record.equity, kind, symbols, loss))
    floor = run.records[0].balance if mode is MarginMode.ISOLATED else 0.0
    return ModeTrack(mode, tuple(r.time for r in run.records), tuple(r.equity for r in run.records), floor,
                     tuple(markers), run.start_value, run.liquidated)


@dataclass(frozen=True)
class CrossVsIsolated:
    """A small portfolio through one scenario, all isolated and all cross (amounts in ``quote``)."""

    portfolio: str
    label: str
    scenario: str
    days: int
    leverage: float
    margin: float
    balance: float
    maintenance_rate: float
    legs: tuple[str, ...]
    isolated: ModeTrack
    cross: ModeTrack
    quote: str = "USDT"

    @property
    def tracks(self) -> tuple[ModeTrack, ModeTrack]:
        return self.isolated, self.cross

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        lines = [
            f"{self.label}, {self.leverage:g}x, {amount(self.margin, q)} of margin each from a "
            f"{amount(self.balance, q)} wallet ({'; '.join(self.legs)}; maintenance "
            f"{percent(self.maintenance_rate, 3)}), through the {self.scenario} scenario (stylised, {self.days} days, "
            "daily closes).",
            self.isolated.outcome(q),
            self.cross.outcome(q),
        ]
        difference = self.isolated.final_equity - self.cross.final_equity
        if abs(difference) < 0.005:
            lines.append("Both modes end with the same equity.")
        else:
            better = "Isolated" if difference > 0 else "Cross"
            lines.append(f"{better} ends {amount(abs(difference), q)} higher.")
        first = {track.mode: track.first_liquidation for track in self.tracks}
        iso, cross = first[MarginMode.ISOLATED], first[MarginMode.CROSS]
        if iso is not None and (cross is None or iso < cross):
            later = "never" if cross is None else f"on day {cross:g}"
            lines.append(f"The first liquidation comes on day {iso:g} isolated, {later} in cross: the shared "
                         "wallet kept the positions open longer.")
        return "\n".join(lines)


def cross_vs_isolated(
    portfolio: str = "two_longs",
    scenario: str = "crash",
    *,
    leverage: float = 10,
    margin: float = 2_000,
    balance: float = 10_000,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0,
    days: int | None = None,
    quote: str = "USDT",
) -> CrossVsIsolated:
    """Replay a two- or three-position portfolio through a stylised scenario in both modes.

    Parameters
    ----------
    portfolio : str
        A key of :data:`PORTFOLIOS` ("two_longs", "hedged_pair", "three_longs").
    scenario : str
        A key of :data:`margin_lab.scenarios.SCENARIOS` ("crash", "squeeze", "whipsaw", "grind");
        the assets move together with their default betas (BTC 1, ETH 1.2, SOL 1.5).
    leverage : float
        > 0, the same for every leg; each leg's size is margin × leverage / its start price.
    margin : float
        Initial margin per leg, quote currency, > 0: the isolated collateral of each leg.
    balance : float
        The wallet, quote currency, > 0; all legs' margin and fees must fit in it.
    maintenance_rate : float
        Fraction of the value at the mark (0.005 = 0.5 %), below 1/leverage.
    fee_rate : float
        Taker fee, a fraction of the traded value.
    days : int, optional
        Scenario length (default :data:`SCENARIO_DAYS`), 30-90 steps keep the replay quick.
    quote : str
        Currency name for labels.

    Returns
    -------
    CrossVsIsolated

    Raises
    ------
    ValueError
        For an unknown preset, or legs whose margin and fees do not fit in the wallet (the
        account refuses to open them, with its own message).

    Notes
    -----
    Isolated: each leg can lose its collateral and no more; the rest of the wallet is safe.
    Cross: the wallet backs every leg and one liquidation closes them all (REFERENCE.md §1,
    Binance TMM₁/UPNL₁; §4 "Cross only risks that one position").

    References
    ----------
    REFERENCE.md §1 (cross liquidation price), §4; bitmex.com/app/isolatedMarginExamples.

    Examples
    --------
    Two 10x longs with 2,000 each from 10,000: the crash takes 4,000 isolated and the whole
    wallet in cross.

    >>> both = cross_vs_isolated("two_longs", "crash")
    >>> both.isolated.loss, both.cross.loss, both.isolated.floor
    (4000.0, 10000.0, 6000.0)
    >>> both.isolated.markers[0].label
    'Day 10: BTC, ETH liquidated (lost 4,000.00)'
    """
    key = require_text("portfolio", portfolio)
    if key not in PORTFOLIOS:
        raise ValueError(f"portfolio must be one of {list(PORTFOLIOS)}, got {portfolio!r}")
    name = require_text("scenario", scenario)
    if name not in SCENARIOS:
        raise ValueError(f"scenario must be one of {list(SCENARIOS)}, got {scenario!r}")
    leverage = require_positive("leverage", leverage)
    margin = require_positive("margin", margin, hint="initial margin per position, quote currency")
    balance = require_positive("balance", balance)
    maintenance_rate = require_fraction("maintenance_rate", maintenance_rate)
    days = require_count("days", SCENARIO_DAYS[name] if days is None else days, minimum=3)
    label, template = PORTFOLIOS[key]
    assets = tuple(asset for asset, _ in template)
    path = _scenario(name, days=days, assets=assets)
    prices = {asset: path.asset(asset).prices[0].tolist() for asset in assets}
    legs = tuple(
        Leg(asset, side, size=margin * leverage / ASSET_DEFAULTS[asset].start_price, leverage=leverage,
            maintenance=maintenance_rate)
        for asset, side in template
    )
    both = compare_modes(Portfolio(balance, legs, fee_rate=fee_rate), prices)
    described = tuple(f"{leg.symbol} {leg.side.value} {quantity(leg.size)} at {number(prices[leg.symbol][0], 0)}"
                      for leg in legs)
    return CrossVsIsolated(
        portfolio=key, label=label, scenario=name, days=days, leverage=leverage, margin=margin, balance=balance,
        maintenance_rate=maintenance_rate, legs=described, isolated=_track(both.isolated, MarginMode.ISOLATED),
        cross=_track(both.cross, MarginMode.CROSS), quote=require_text("quote", quote),
    )
