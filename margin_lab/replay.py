"""Scenario replay: run a small portfolio through a price path with the account engine.

A :class:`Portfolio` is a wallet and some :class:`Leg` s (isolated or cross, with optional
stop-loss and take-profit); :func:`replay` opens them at step 0, then at every step

1. checks stops and take-profits against the step's extreme (the candle's low for a long, its
   high for a short, when candles are given),
2. updates the marks to every asset's low, then to every asset's high, then to the close (a
   long is liquidated inside a candle when its LOW reaches the liquidation price, a short when
   its HIGH does; assets move together, so a hedged pair is not marked at both legs' worst
   at once),
3. applies the "add margin at the warning" rule to isolated legs that got a margin call,
4. applies the learner's scheduled :class:`Action` s at the close,
5. records a :class:`StepRecord`: marks, wallet, equity, each open position's margin level and
   liquidation price, and the events.

Stops: a long's stop fires when the price reaches it *before* the liquidation price, i.e. only
if the stop lies above the liquidation price (REFERENCE.md §3: "a long's stop placed below its
liquidation price never fires"). With candles the stop fills at the stop price; with closes only
the path jumps, so it fills at the step's price, and a gap past the liquidation price liquidates
first.

:func:`compare_modes` runs the same legs "all isolated" and "all cross" side by side.
Taught in lessons/04_managing_isolated.ipynb, 05_cross_margin.ipynb and 08_capstone.ipynb.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ._checks import require_count, require_number, require_positive
from .account import Account
from .margin import initial_margin
from .model import Event, MarginMode, Side
from .portfolio import Action, Leg, Portfolio

__all__ = ["Leg", "Portfolio", "Action", "StepRecord", "Replay", "ModeReplay", "replay", "compare_modes"]

@dataclass(frozen=True)
class StepRecord:
    """The account after one step. ``levels``/``liquidation_prices`` hold open positions only."""

    step: int
    time: float
    marks: dict[str, float]
    balance: float
    equity: float
    levels: dict[str, float]
    liquidation_prices: dict[str, float | None]
    collateral: dict[str, float]
    events: tuple[Event, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Replay:
    """One portfolio through one path: a record per step (step 0 = just opened)."""

    portfolio: Portfolio
    records: tuple[StepRecord, ...]
    ledger: dict[str, float] = field(default_factory=dict)

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(e for r in self.records for e in r.events)

    @property
    def start_value(self) -> float:
        """The wallet before opening (quote currency)."""
        return self.portfolio.balance

    @property
    def final_equity(self) -> float:
        return self.records[-1].equity

    @property
    def loss(self) -> float:
        """Start value − final equity (quote currency; negative for a gain)."""
        return self.start_value - self.final_equity

    @property
    def liquidated(self) -> tuple[str, ...]:
        return tuple(e.symbol for e in self.events if e.kind == "liquidation")

    def series(self, name: str, symbol: str | None = None) -> list[float | None]:
        """One column over the steps: "equity", "balance", or per symbol "mark", "level",
        "liquidation_price", "collateral" (None once the position is gone)."""
        if name in ("equity", "balance"):
            return [getattr(r, name) for r in self.records]
        columns = {"mark": "marks", "level": "levels", "liquidation_price": "liquidation_prices",
                   "collateral": "collateral"}
        if name not in columns:
            raise ValueError(f"name must be one of {['equity', 'balance', *columns]}, got {name!r}")
        return [getattr(r, columns[name]).get(symbol) for r in self.records]

    def rows(self) -> list[dict]:
        """Tidy records: one dict per step and open position."""
        out = []
        for r in self.records:
            for symbol in r.levels:
                out.append({"step": r.step, "time": r.time, "symbol": symbol, "mark": r.marks.get(symbol),
                            "margin_level": r.levels[symbol], "liquidation_price": r.liquidation_prices[symbol],
                            "collateral": r.collateral[symbol], "balance": r.balance, "equity": r.equity})
        return out

    def summary(self) -> str:
        """Plain text: start, end, loss, and what happened when."""
        lines = [f"Start {self.start_value:,.2f}; end equity {self.final_equity:,.2f}; "
                 f"{'loss' if self.loss >= 0 else 'gain'} {abs(self.loss):,.2f} "
                 f"({abs(self.loss) / self.start_value:.1%} of the wallet)."]
        for r in self.records:
            for e in r.events:
                if e.kind == "margin_call":
                    what = "margin call"
                elif e.loss >= 0:
                    what = f"liquidation, lost {e.loss:,.2f}"
                else:
                    what = f"closed by the liquidation with a gain of {-e.loss:,.2f}"
                lines.append(f"Day {r.time:g}: {e.symbol} ({e.margin_mode}) {what} at {e.price:,.2f}.")
            for note in r.notes:
                lines.append(f"Day {r.time:g}: {note}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ModeReplay:
    """The same legs all isolated and all cross, through the same path."""

    isolated: Replay
    cross: Replay

    def summary(self) -> str:
        parts = []
        for name, run in (("All isolated", self.isolated), ("All cross", self.cross)):
            gone = ", ".join(run.liquidated) or "nothing"
            parts.append(f"{name}: end equity {run.final_equity:,.2f}, loss {run.loss:,.2f}; liquidated: {gone}.")
        return "\n".join(parts)


def _series(name: str, values: Mapping[str, Sequence[float]] | None, symbols: Sequence[str], length: int | None):
    if values is None:
        return None
    if not isinstance(values, Mapping):
        raise TypeError(f"{name} must be a dict symbol -> sequence of prices, got {type(values).__name__}")
    out = {}
    for symbol in symbols:
        if symbol not in values:
            raise ValueError(f"{name} must have a path for every leg: missing {symbol!r}")
        raw = values[symbol]
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
            raise TypeError(f"{name}[{symbol!r}] must be a sequence of prices, got {raw!r}")
        path = []
        for index, value in enumerate(raw):
            if type(value) is not float and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
                raise TypeError(f"{name}[{symbol!r}][{index}] must be a finite price > 0, got {value!r} "
                                f"of type {type(value).__name__}")
            path.append(float(value))
        if length is not None and len(path) != length:
            raise ValueError(f"{name}[{symbol!r}] must have {length} prices like the others, got {len(path)}")
        length = len(path)
        for index, price in enumerate(path):
            if not math.isfinite(price) or price <= 0:
                raise ValueError(f"{name}[{symbol!r}][{index}] must be a finite price > 0, got {price!r}")
        out[symbol] = path
    return out


def _from_paths(paths: object, symbols: Sequence[str], lows, highs):
    """Closes (and lows and highs, unless given) per leg symbol from a one-path PricePaths.

    A leg takes the asset named like its symbol, or else the longest asset name its symbol
    starts with ("BTCUSDT" -> "BTC"). Anything that is not a PricePaths is passed on unchanged
    (and refused by ``_series``)."""
    from .paths import PricePaths

    if not isinstance(paths, PricePaths):
        return paths, lows, highs
    if paths.n_paths != 1:
        raise ValueError(f"prices must hold one path, got a PricePaths of {paths.n_paths} paths: "
                         f"pick one with prices.path(i)")
    rows = {}
    for symbol in symbols:
        named = [a for a in paths.assets if a == symbol] or sorted(
            (a for a in paths.assets if symbol.upper().startswith(a.upper())), key=len, reverse=True)
        if not named:
            raise ValueError(f"prices has no asset for the leg {symbol!r}: its assets are {list(paths.assets)} "
                             f"(a leg's symbol must be an asset's name or start with it)")
        rows[symbol] = paths.assets.index(named[0])

    def per_leg(array):
        by_asset = array if array.ndim == 3 else array[None]
        return {symbol: by_asset[row, 0].tolist() for symbol, row in rows.items()}

    return (per_leg(paths.prices), lows if lows is not None or paths.low is None else per_leg(paths.low),
            highs if highs is not None or paths.high is None else per_leg(paths.high))


def replay(
    portfolio: Portfolio,
    prices: Mapping[str, Sequence[float]],
    *,
    lows: Mapping[str, Sequence[float]] | None = None,
    highs: Mapping[str, Sequence[float]] | None = None,
    days_per_step: float = 1.0,
    actions: Sequence[Action] = (),
    funding_rate: float = 0.0,
) -> Replay:
    """Run ``portfolio`` through ``prices`` (symbol -> closes, step 0 = the opening price).

    Parameters
    ----------
    prices : dict symbol -> sequence of prices, or PricePaths
        The closes per leg. A :class:`~margin_lab.paths.PricePaths` holding one path (pick one
        with ``paths.path(i)``) gives each leg the asset named like its symbol, or the asset
        its symbol starts with ("BTCUSDT" takes "BTC"), and its candle lows and highs too.
    lows, highs : optional, same shape as ``prices``
        Candle extremes; a long is liquidated (or stopped) when the low reaches its price, a
        short when the high does.
    days_per_step : float
        Time between steps, in days (for the records' ``time``).
    actions : sequence of Action
        Learner actions at the close of given steps (refused ones are noted, not raised).
    funding_rate : float
        Funding rate per step charged to every open position (longs pay when > 0).

    Examples
    --------
    A 10x isolated long and cash: a 10 % drop liquidates the long (at 18,090.45, 9.55 % below
    entry), the wallet survives.

    >>> legs = (Leg("BTCUSDT", "long", size=1, leverage=10),)
    >>> run = replay(Portfolio(10_000, legs), {"BTCUSDT": [20_000, 19_000, 18_100, 18_000]})
    >>> run.liquidated, run.final_equity
    (('BTCUSDT',), 8000.0)
    """
    if not isinstance(portfolio, Portfolio):
        raise TypeError(f"portfolio must be a Portfolio, got {portfolio!r}")
    symbols = [leg.symbol for leg in portfolio.legs]
    if not isinstance(prices, Mapping):
        prices, lows, highs = _from_paths(prices, symbols, lows, highs)
    closes, lows, highs = price_series(symbols, prices, lows, highs)
    days_per_step = require_positive("days_per_step", days_per_step)
    funding_rate = require_number("funding_rate", funding_rate)
    for action in actions:
        if not isinstance(action, Action):
            raise TypeError(f"actions must hold Action values, got {action!r}")

    account = Account(portfolio.balance, fee_rate=portfolio.fee_rate, venue=portfolio.venue)
    legs = {leg.symbol: leg for leg in portfolio.legs}
    for leg in portfolio.legs:
        entry = leg.entry_price or closes[leg.symbol][0]
        if leg.mode is MarginMode.ISOLATED:
            collateral = leg.collateral or initial_margin(leg.size, entry, leg.leverage)
            account.open_isolated(leg.symbol, leg.side, leg.size, entry, collateral, leg.maintenance, leg.leverage)
        else:
            account.open_cross(leg.symbol, leg.side, leg.size, entry, leg.maintenance, leg.leverage)
    account.update({s: closes[s][0] for s in account.symbols})
    records = [step_record(account, 0, 0.0, ())]

    for step in range(1, len(closes[symbols[0]])):
        events: list[Event] = []
        notes: list[str] = []
        _stops(account, legs, closes, lows, highs, step, notes)
        events += marked(account, step, closes, lows, highs, funding_rate)
        _rule(account, portfolio, events, notes)
        for action in (a for a in actions if a.step == step):
            _act(account, action, closes[action.symbol][step], notes)
        records.append(step_record(account, step, step * days_per_step, events, notes))
    return Replay(portfolio, tuple(records), account.ledger_summary())


def compare_modes(portfolio: Portfolio, prices: Mapping[str, Sequence[float]], **options) -> ModeReplay:
    """Replay the same legs all isolated and all cross (same wallet, same path, same options).

    Examples
    --------
    The BitMEX example (REFERENCE.md §1) as a replay: 100 at 100 with 4 of margin (25x),
    1 % maintenance on the entry value, a wallet of 10; the price goes to 94.

    >>> from margin_lab.venues import venue
    >>> legs = (Leg("XBT", "long", size=1, leverage=25, maintenance=0.01),)
    >>> both = compare_modes(Portfolio(10, legs, venue=venue("bitmex")), {"XBT": [100, 96, 94]})
    >>> both.isolated.liquidated, both.isolated.loss, both.cross.liquidated, both.cross.loss
    (('XBT',), 4.0, (), 6.0)
    """
    return ModeReplay(
        isolated=replay(portfolio.in_mode(MarginMode.ISOLATED), prices, **options),
        cross=replay(portfolio.in_mode(MarginMode.CROSS), prices, **options),
    )


def price_series(symbols: Sequence[str], prices, lows, highs) -> tuple[dict, dict | None, dict | None]:
    """The closes (at least two per leg) and the optional lows and highs, one checked list of
    finite prices > 0 per leg symbol, all of one length."""
    closes = _series("prices", prices, symbols, None)
    steps = len(closes[symbols[0]])
    require_count("number of prices", steps, minimum=2)
    return closes, _series("lows", lows, symbols, steps), _series("highs", highs, symbols, steps)


def marked(account: Account, step: int, closes, lows, highs, funding_rate: float) -> list[Event]:
    """Mark every open leg at the step's low, then its high (when given), then its close, and
    pay funding if asked; the events in order."""
    events: list[Event] = []
    for extremes in (lows, highs):
        if extremes is not None and account.symbols:
            events += account.update({s: extremes[s][step] for s in account.symbols})
    events += account.update({s: closes[s][step] for s in account.symbols})
    if funding_rate and account.symbols:
        for symbol in account.symbols:
            account.pay_funding(symbol, funding_rate)
        events += account.update()
    return events


def step_record(account: Account, step: int, time: float, events, notes=()) -> StepRecord:
    """The StepRecord of ``account`` as it stands (linear or inverse: amounts in its wallet's unit)."""
    watched = account._watch()  # the fields of account.positions a record keeps, built faster
    return StepRecord(
        step=step, time=time, marks={s: w[0] for s, w in watched.items()},
        balance=account.balance, equity=account.equity,
        levels={s: w[1] for s, w in watched.items()},
        liquidation_prices={s: w[2] for s, w in watched.items()},
        collateral={s: w[3] for s, w in watched.items()},
        events=tuple(events), notes=tuple(notes),
    )


def _stops(account, legs, closes, lows, highs, step, notes) -> None:
    if not any(legs[s].stop_loss or legs[s].take_profit for s in account.symbols):
        return
    for symbol, position in list(account.positions.items()):
        leg = legs[symbol]
        long = position.side is Side.LONG
        low = (lows or closes)[symbol][step]
        high = (highs or closes)[symbol][step]
        liquidation = position.liquidation_price
        for kind, level in (("stop-loss", leg.stop_loss), ("take-profit", leg.take_profit)):
            if level is None:
                continue
            adverse = kind == "stop-loss"
            hit = (low <= level) if long == adverse else (high >= level)
            if not hit:
                continue
            before_liquidation = liquidation is None or (level > liquidation if long else level < liquidation)
            if adverse and not before_liquidation:
                continue
            candles = lows is not None or highs is not None
            fill = level if candles else closes[symbol][step]
            if adverse and not candles and liquidation is not None and (fill <= liquidation if long else fill >= liquidation):
                continue
            try:
                pnl = account.close(symbol, fill)
            except ValueError:
                continue
            notes.append(f"{symbol} {kind} at {fill:,.2f} closed it, realised {pnl:+,.2f}.")
            break


def _rule(account, portfolio, events, notes) -> None:
    amount = portfolio.add_margin_on_warning
    if not amount:
        return
    for event in events:
        position = account.positions.get(event.symbol)
        if event.kind != "margin_call" or position is None or position.margin_mode is not MarginMode.ISOLATED:
            continue
        if account.free_balance >= amount:
            account.add_margin(event.symbol, amount)
            notes.append(f"rule: added {amount:,.2f} margin to {event.symbol} at its margin call.")
        else:
            notes.append(f"rule: could not add {amount:,.2f} to {event.symbol}: the wallet has {account.free_balance:,.2f}.")


def _act(account, action: Action, price: float, notes) -> None:
    if action.symbol not in account.symbols:
        notes.append(f"{action.kind} {action.symbol} skipped: the position is no longer open.")
        return
    try:
        if action.kind == "add_margin":
            account.add_margin(action.symbol, action.amount)
        elif action.kind == "remove_margin":
            account.remove_margin(action.symbol, action.amount)
        elif action.kind == "reduce":
            account.reduce(action.symbol, action.amount, price)
        else:
            account.close(action.symbol, price)
    except ValueError as refused:
        notes.append(f"{action.kind} {action.symbol} refused: {refused}")
        return
    amount = f" {action.amount:,.2f}" if action.kind != "close" else ""
    notes.append(f"you: {action.kind}{amount} on {action.symbol} at {price:,.2f}.")
