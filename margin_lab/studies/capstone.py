"""Compute step of the capstone (lesson 8): a plan replayed through the named stress scenarios.

A *plan* is a :class:`margin_lab.replay.Portfolio`: a wallet and two or three
:class:`~margin_lab.replay.Leg` s, each isolated or cross with its leverage (and collateral).
:func:`stress_test` replays it through the stylised scenarios of :mod:`margin_lab.scenarios`
("crash", "grind", "squeeze", "whipsaw"), every leg on its own asset's path (BTC, ETH or SOL,
each falling or rising by its beta), with candle lows and highs, and measures the loss at the
worst daily close against a loss budget. :func:`worst_case_loss` is the bound no path can
beat: the isolated collateral plus the opening fees, or the whole wallet once a leg is cross.
:func:`stress_scenarios` gives the four paths themselves, for a figure.

Nothing here restates a formula: the account engine (:mod:`margin_lab.account`) does the
margin, liquidation and fee arithmetic. Taught in lessons/08_capstone.ipynb.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .._checks import require_count, require_positive, require_text
from ..model import Event, MarginMode
from ..paths import ASSET_DEFAULTS
from ..replay import Leg, Portfolio, Replay, replay
from ..scenarios import scenario
from ..text import amount, number, percent
from ..worst_case import leg_asset, leg_entry_price, require_portfolio, worst_case_loss

__all__ = ["DRAFT_PLAN", "STRESS_DAYS", "ScenarioLoss", "StressTest", "ScenarioSet", "adjust_plan", "scenario_paths",
           "stress_scenarios", "stress_test", "worst_case_loss"]

#: Days each scenario runs in a stress test: short enough for a widget to replay all four at
#: once (one step per day), long enough for the episode (the grind's 180-day default becomes 90).
STRESS_DAYS: dict[str, int] = {"crash": 30, "grind": 90, "squeeze": 30, "whipsaw": 30}


#: The lesson's draft: three trade ideas in a 10,000 USDT wallet, all cross (the default mode on
#: Kraken derivatives and Hyperliquid, REFERENCE.md §2): a directional BTC long and an ETH long
#: hedged by a SOL short of about the same beta-weighted size (6,000 × 1.2 ≈ 4,800 × 1.5).
DRAFT_PLAN = Portfolio(
    10_000,
    (
        Leg("BTC", "long", size=1, leverage=10, mode="cross"),
        Leg("ETH", "long", size=6, leverage=10, mode="cross"),
        Leg("SOL", "short", size=48, leverage=10, mode="cross"),
    ),
    fee_rate=0.0005,
)


def _scenario_names(scenarios: Sequence[str]) -> tuple[str, ...]:
    if isinstance(scenarios, str):
        scenarios = (scenarios,)
    names = tuple(require_text("scenarios", s).strip().lower() for s in scenarios)
    unknown = [s for s in names if s not in STRESS_DAYS]
    if not names or unknown or len(set(names)) != len(names):
        raise ValueError(f"scenarios must be distinct names among {list(STRESS_DAYS)}, got {list(scenarios)!r}")
    return names


def _days(name: str, days: Mapping[str, int] | None) -> int:
    chosen = (days or {}).get(name, STRESS_DAYS[name])
    return require_count(f"days[{name!r}]", chosen, minimum=3)


def scenario_paths(plan: Portfolio, name: str, days: int | None = None) -> tuple[dict, dict, dict]:
    """Closes, lows and highs per leg symbol for one scenario, each starting at the leg's entry.

    A leg's path is its asset's (by the symbol's leading name, "BTCUSDT" -> BTC) with the
    asset's default beta (BTC 1.0, ETH 1.2, SOL 1.5: :data:`margin_lab.paths.ASSET_DEFAULTS`).

    Examples
    --------
    >>> from margin_lab.replay import Leg, Portfolio
    >>> plan = Portfolio(10_000, (Leg("BTCUSDT", "long", 1, 10), Leg("SOL", "short", 10, 5)))
    >>> closes, lows, highs = scenario_paths(plan, "crash", days=30)
    >>> closes["BTCUSDT"][0], lows["BTCUSDT"][10] / closes["BTCUSDT"][9], round(lows["SOL"][10] / closes["SOL"][9], 4)
    (20000.0, 0.5, 0.3536)
    """
    plan = require_portfolio(plan)
    key = _scenario_names((name,))[0]
    length = _days(key, None if days is None else {key: days})
    closes, lows, highs = {}, {}, {}
    for leg in plan.legs:
        kept = _leg_path(key, float(leg_entry_price(leg)), length, leg_asset(leg.symbol))
        closes[leg.symbol], lows[leg.symbol], highs[leg.symbol] = (list(series) for series in kept)
    return closes, lows, highs


@functools.lru_cache(maxsize=64)
def _leg_path(name: str, start_price: float, days: int, asset: str) -> tuple[tuple[float, ...], ...]:
    """One asset's scenario closes, lows and highs from a start price, kept: the planner replays
    the same four scenarios for every plan it tries (the paths are stylised, with no randomness)."""
    path = scenario(name, start_price=start_price, days=days, assets=asset)
    return tuple(path.prices[0].tolist()), tuple(path.low[0].tolist()), tuple(path.high[0].tolist())


def adjust_plan(
    plan: Portfolio,
    *,
    modes: Mapping[str, str | MarginMode] | None = None,
    leverages: Mapping[str, float] | None = None,
    sizes: Mapping[str, float] | None = None,
) -> Portfolio:
    """The same plan with some legs changed, each mapping keyed by the leg's symbol.

    A changed leg's isolated collateral is reset to its initial margin, size × entry / leverage
    (so a higher leverage means less collateral, as on an order form); legs not named stay as
    they are. Nothing else changes: wallet, fees, venue, stops.

    Examples
    --------
    >>> from margin_lab.replay import Leg, Portfolio
    >>> draft = Portfolio(10_000, (Leg("BTC", "long", 1, 10, mode="cross"), Leg("ETH", "long", 6, 10, mode="cross")))
    >>> plan = adjust_plan(draft, modes={"BTC": "isolated"}, leverages={"BTC": 20})
    >>> [(leg.symbol, leg.mode.value, leg.leverage) for leg in plan.legs]
    [('BTC', 'isolated', 20), ('ETH', 'cross', 10)]
    """
    plan = require_portfolio(plan)
    symbols = [leg.symbol for leg in plan.legs]
    changes: dict[str, dict] = {}
    for field, values in (("mode", modes), ("leverage", leverages), ("size", sizes)):
        if values is None:
            continue
        if not isinstance(values, Mapping):
            raise TypeError(f"{field}s must be a dict symbol -> value, got {values!r}")
        for symbol, value in values.items():
            if symbol not in symbols:
                raise ValueError(f"{field}s must name legs of the plan {symbols}, got {symbol!r}")
            changes.setdefault(symbol, {})[field] = value
    legs = tuple(replace(leg, collateral=None, **changes[leg.symbol]) if leg.symbol in changes else leg
                 for leg in plan.legs)
    return replace(plan, legs=legs)


@dataclass(frozen=True)
class ScenarioLoss:
    """One plan through one scenario: equity per daily close, the worst loss and the events.

    Amounts in quote currency. ``worst_loss`` is the start value minus the lowest equity at a
    daily close (step 0 included, so the opening fees count); ``final_loss`` the same at the
    end (negative for a gain). ``passed`` when the worst loss is within the budget.
    """

    scenario: str
    budget: float
    start_value: float
    times: tuple[float, ...]
    equity: tuple[float, ...]
    worst_loss: float
    worst_day: float
    final_loss: float
    liquidations: tuple[Event, ...]
    liquidation_days: tuple[float, ...]
    replay: Replay

    @property
    def passed(self) -> bool:
        return self.worst_loss <= self.budget + 1e-9

    @property
    def liquidated(self) -> tuple[str, ...]:
        """Symbols liquidated, in the order it happened."""
        return tuple(e.symbol for e in self.liquidations)

    def liquidation_day(self, symbol: str) -> float | None:
        """The day ``symbol`` was liquidated, or None."""
        days = [d for e, d in zip(self.liquidations, self.liquidation_days) if e.symbol == symbol]
        return days[0] if days else None

    def summary(self, quote: str = "USDT") -> str:
        """One sentence: worst loss against the budget, and what was liquidated when."""
        verdict = "within" if self.passed else "OVER"
        gone = ", ".join(f"{e.symbol} ({e.margin_mode.value}, day {d:g})"
                         for e, d in zip(self.liquidations, self.liquidation_days)) or "nothing"
        end = "gain" if self.final_loss < 0 else "loss"
        return (f"{self.scenario.capitalize()}: worst loss {amount(self.worst_loss, quote)} at the day "
                f"{self.worst_day:g} close, {verdict} the {number(self.budget)} budget; {end} at the end "
                f"{number(abs(self.final_loss))}; liquidated: {gone}.")


def _scenario_loss(plan: Portfolio, name: str, budget: float, days: int) -> ScenarioLoss:
    closes, lows, highs = scenario_paths(plan, name, days)
    run = replay(plan, closes, lows=lows, highs=highs)
    times = tuple(r.time for r in run.records)
    equity = tuple(r.equity for r in run.records)
    worst = min(range(len(equity)), key=equity.__getitem__)
    found = [(e, r.time) for r in run.records for e in r.events if e.kind == "liquidation"]
    return ScenarioLoss(name, budget, float(plan.balance), times, equity, plan.balance - equity[worst], times[worst],
                        run.loss, tuple(e for e, _ in found), tuple(d for _, d in found), run)


@dataclass(frozen=True)
class StressTest:
    """A plan through every named scenario against one loss budget; ``selected`` is the
    scenario a figure shows day by day."""

    plan: Portfolio
    budget: float
    outcomes: tuple[ScenarioLoss, ...]
    selected: str
    worst_case: float
    quote: str = "USDT"

    @property
    def passed(self) -> bool:
        """True when every scenario's worst loss is within the budget."""
        return all(o.passed for o in self.outcomes)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(o.scenario for o in self.outcomes if not o.passed)

    def outcome(self, name: str) -> ScenarioLoss:
        """The result for one scenario."""
        for o in self.outcomes:
            if o.scenario == name:
                return o
        raise ValueError(f"name must be one of {[o.scenario for o in self.outcomes]}, got {name!r}")

    def summary(self) -> str:
        """The figure's key numbers in words: per scenario, then the selected one's path."""
        q = self.quote
        n = len(self.outcomes)
        within = n - len(self.failed)
        head = (f"Budget {amount(self.budget, q)} of a {amount(self.plan.balance, q)} wallet: "
                f"within it in {within} of {n} scenarios")
        lines = [head + (f" (over in: {', '.join(self.failed)})." if self.failed else ".")]
        lines += [o.summary(q) for o in self.outcomes]
        shown = self.outcome(self.selected)
        low = min(shown.equity)
        lines.append(f"The {shown.scenario} day by day: equity from {number(shown.start_value)} to a low of "
                     f"{number(low)} (day {shown.worst_day:g}), ending at {number(shown.equity[-1])}.")
        cross = any(leg.mode is MarginMode.CROSS for leg in self.plan.legs)
        bound = ("the whole wallet (a cross leg shares it)" if cross else
                 "its isolated collateral plus opening fees")
        lines.append(f"Most this plan can lose on any path: {amount(self.worst_case, q)}, {bound} "
                     f"({percent(self.worst_case / self.plan.balance, 1)} of the wallet).")
        return "\n".join(lines)


def stress_test(
    plan: Portfolio,
    budget: float,
    scenarios: Sequence[str] = tuple(STRESS_DAYS),
    *,
    selected: str | None = None,
    days: Mapping[str, int] | None = None,
    quote: str = "USDT",
) -> StressTest:
    """Replay ``plan`` through each scenario and compare its worst loss with ``budget``.

    Parameters
    ----------
    plan : Portfolio
        The wallet and its legs; each leg's symbol starts with BTC, ETH or SOL (its scenario
        path), its entry defaults to the asset's start price (BTC 20,000, ETH 1,000, SOL 100).
    budget : float
        The most the plan may lose at any daily close, quote currency, > 0.
    scenarios : sequence of str
        Names among "crash", "grind", "squeeze", "whipsaw" (default: all four).
    selected : str, optional
        The scenario a figure shows day by day (default: the first).
    days : mapping, optional
        Days per scenario, each >= 3 (default :data:`STRESS_DAYS`).
    quote : str
        The quote currency, for the summary.

    Returns
    -------
    StressTest

    Raises
    ------
    ValueError, TypeError
        For a budget <= 0, an unknown scenario or symbol, or a leg the wallet cannot open.

    Examples
    --------
    A 10x isolated BTC long can lose its 2,000 collateral, not more: within a 2,500 budget in
    every scenario, though the crash liquidates it.

    >>> from margin_lab.replay import Leg, Portfolio
    >>> test = stress_test(Portfolio(10_000, (Leg("BTC", "long", 1, 10),)), budget=2_500)
    >>> test.passed, test.outcome("crash").liquidated, test.outcome("crash").worst_loss
    (True, ('BTC',), 2000.0)
    """
    plan = require_portfolio(plan)
    budget = require_positive("budget", budget, hint="the most the plan may lose, in quote currency")
    names = _scenario_names(scenarios)
    chosen = names[0] if selected is None else _scenario_names((selected,))[0]
    if chosen not in names:
        raise ValueError(f"selected must be one of {list(names)}, got {selected!r}")
    if days is not None and not isinstance(days, Mapping):
        raise TypeError(f"days must be a dict scenario -> number of days, got {days!r}")
    outcomes = tuple(_scenario_loss(plan, name, budget, _days(name, days)) for name in names)
    return StressTest(plan, budget, outcomes, chosen, worst_case_loss(plan), require_text("quote", quote))


@dataclass(frozen=True)
class ScenarioSet:
    """The stress scenarios for a few assets: per scenario and asset, times, closes and lows."""

    names: tuple[str, ...]
    assets: tuple[str, ...]
    times: dict[str, tuple[float, ...]]
    closes: dict[str, dict[str, tuple[float, ...]]]
    lows: dict[str, dict[str, tuple[float, ...]]]
    highs: dict[str, dict[str, tuple[float, ...]]]

    def relative(self, name: str, asset: str, which: str = "closes") -> tuple[float, ...]:
        """A path as a fraction of its start (1.0 = unchanged)."""
        series = getattr(self, which)[name][asset]
        return tuple(p / series[0] for p in series)

    def summary(self) -> str:
        """Per scenario: what it is modelled on, then per asset the lowest low, highest high and end."""
        lines = []
        for name in self.names:
            moves = "; ".join(
                f"{a} low {percent(min(self.relative(name, a, 'lows')) - 1, 1)}, high "
                f"{percent(max(self.relative(name, a, 'highs')) - 1, 1)}, end "
                f"{percent(self.relative(name, a)[-1] - 1, 1)}" for a in self.assets)
            lines.append(f"{name.capitalize()} ({len(self.times[name]) - 1} days): {moves}.")
        return "\n".join(lines)


def stress_scenarios(assets: Sequence[str] = ("BTC", "ETH", "SOL"),
                     days: Mapping[str, int] | None = None) -> ScenarioSet:
    """The four stress scenarios for ``assets`` (each moving by its default beta), as a figure shows them.

    Examples
    --------
    Nine days of -0.5 %, then a low at half the open: BTC touches 0.995**9 × 0.5 = 0.478 of its
    start, SOL (beta 1.5) 0.478**1.5 = 0.330.

    >>> crash = stress_scenarios(("BTC", "SOL"))
    >>> round(min(crash.relative("crash", "BTC", "lows")), 3), round(min(crash.relative("crash", "SOL", "lows")), 3)
    (0.478, 0.33)
    """
    names = tuple(STRESS_DAYS)
    assets = tuple(leg_asset(a) for a in ((assets,) if isinstance(assets, str) else assets))
    if not assets or len(set(assets)) != len(assets):
        raise ValueError(f"assets must be distinct among {sorted(ASSET_DEFAULTS)}, got {assets!r}")
    times, closes, lows, highs = {}, {}, {}, {}
    for name in names:
        path = scenario(name, start_price=[ASSET_DEFAULTS[a].start_price for a in assets], days=_days(name, days),
                        assets=assets)
        times[name] = tuple(float(t) for t in path.times)
        closes[name], lows[name], highs[name] = {}, {}, {}
        for a in assets:
            one = path.asset(a)
            closes[name][a] = tuple(float(p) for p in one.prices[0])
            lows[name][a] = tuple(float(p) for p in one.low[0])
            highs[name][a] = tuple(float(p) for p in one.high[0])
    return ScenarioSet(names, assets, times, closes, lows, highs)
