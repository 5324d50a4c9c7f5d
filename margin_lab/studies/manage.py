"""Compute step of the lesson 4 figures: one isolated position managed through a price path.

The learner's plan (add margin on day N, reduce on day M, a stop-loss, a funding rate) is
replayed day by day through :func:`margin_lab.replay.replay`, which runs the account engine: the
liquidation price is the engine's own at every step, nothing is restated here. The paths come
from :mod:`margin_lab.studies.manage_paths`.

:func:`~margin_lab.margin.collateral_to_survive` (the liquidation-price formula inverted: the
collateral that puts the liquidation price at a given price) is re-exported from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._checks import require_count, require_non_negative, require_positive
from .._checks import require_range, require_text
from .._checks import require_rate_below_initial
from ..margin import checked_position, collateral_to_survive, initial_margin
from ..model import Side
from ..replay import Action, Leg, Portfolio, Replay, replay
from ..venues import GENERIC
from ..text import amount, number, percent, price, quantity
from .manage_paths import manage_path

__all__ = ["ManagedPosition", "collateral_to_survive", "managed_position"]


@dataclass(frozen=True)
class ManagedPosition:
    """One isolated position replayed through a path with the learner's actions.

    Prices in quote per base unit, amounts in quote currency, days from the opening, rates as
    fractions. The per-day tuples (``liquidation_prices``, ``levels``, ``collaterals``) hold
    None once the position is gone. ``run`` is the full :class:`~margin_lab.replay.Replay`;
    ``baseline`` the same position with no actions and no funding.
    """

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    balance: float
    maintenance_rate: float
    warning_level: float
    path: str
    description: str
    funding_rate: float
    add_margin_day: int
    add_margin: float
    reduce_day: int
    reduce_fraction: float
    stop_loss: float | None
    times: tuple[float, ...]
    closes: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    liquidation_prices: tuple[float | None, ...]
    levels: tuple[float | None, ...]
    collaterals: tuple[float | None, ...]
    run: Replay
    baseline: Replay
    base: str = "BTC"
    quote: str = "USDT"

    # ---- what happened, read from the replay --------------------------------------------------

    @property
    def end_day(self) -> int | None:
        """The day the position stopped existing (liquidated, stopped or closed), or None."""
        return next((i for i, level in enumerate(self.levels) if level is None), None)

    @property
    def outcome(self) -> str:
        """"liquidated", "stopped" (the stop-loss fired), "closed" (by you) or "open"."""
        day = self.end_day
        if day is None:
            return "open"
        if any(e.kind == "liquidation" for e in self.run.records[day].events):
            return "liquidated"
        if day == self.reduce_day and self.reduce_fraction == 1:
            return "closed"
        return "stopped"

    @property
    def liquidation_day(self) -> int | None:
        return self.end_day if self.outcome == "liquidated" else None

    @property
    def warning_day(self) -> int | None:
        """The first day with a margin call (equity below the warning level times maintenance)."""
        return next((r.step for r in self.run.records for e in r.events if e.kind == "margin_call"), None)

    @property
    def start_liquidation_price(self) -> float | None:
        return self.liquidation_prices[0]

    @property
    def last_liquidation_price(self) -> float | None:
        """The liquidation price on the last day the position was open."""
        return [p for p, level in zip(self.liquidation_prices, self.levels) if level is not None][-1]

    @property
    def worst_price(self) -> float:
        """The path's most adverse price: the lowest low for a long, the highest high for a short."""
        return min(self.lows) if self.side is Side.LONG else max(self.highs)

    @property
    def collateral_needed(self) -> float:
        """The least collateral that lives through :attr:`worst_price` with no funding
        (:func:`collateral_to_survive`); compare with :attr:`collateral`."""
        return collateral_to_survive(self.side, self.entry_price, self.size, self.worst_price, self.maintenance_rate)

    @property
    def final_equity(self) -> float:
        return self.run.final_equity

    @property
    def loss(self) -> float:
        """Wallet at the start − equity at the end (negative for a gain)."""
        return self.run.loss

    @property
    def funding_paid(self) -> float:
        """Funding paid out of the position (positive when paid, negative when received)."""
        return -self.run.ledger.get("funding", 0.0)

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q, side = self.quote, self.side
        payer = "longs" if self.funding_rate > 0 else "shorts"
        funding = f"funding {percent(self.funding_rate, 3)} per 8 hours ({payer} pay)" if self.funding_rate else "no funding"
        lines = [
            f"{side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} {q}, "
            f"{self.leverage:g}x: {amount(self.collateral, q)} collateral from a {amount(self.balance, q)} wallet; "
            f"{self.path} path, {len(self.times) - 1} days; {funding}.",
        ]
        start, last = self.start_liquidation_price, self.last_liquidation_price
        last_day = len(self.times) - 1 if self.end_day is None else self.end_day - 1
        end = f"on day {last_day}" + ("" if self.end_day is None else ", its last day open")
        lines.append(f"Liquidation price {price(start)} at the start, {price(last)} {end}; the path's worst price "
                     f"is {price(self.worst_price)}.")
        lines += self._actions()
        lines.append(self._watch())
        lines.append(self._ending())
        if self.baseline is not self.run:
            gone = self.baseline.liquidated
            lines.append("Doing nothing (no actions, no funding) instead: "
                         + (f"liquidated, loss {amount(self.baseline.loss, q)}." if gone
                            else f"still open at the end, {'loss' if self.baseline.loss >= 0 else 'gain'} "
                                 f"{amount(abs(self.baseline.loss), q)}."))
        return "\n".join(lines)

    def _before_after(self, day: int) -> str:
        before, after = self.liquidation_prices[day - 1], self.liquidation_prices[day]
        if after is None:
            return "the position is closed"
        if before is not None and math.isclose(before, after, rel_tol=1e-9):
            return f"liquidation price unchanged at {price(after)}"
        return f"liquidation price {price(before)} -> {price(after)}"

    def _gone_before(self, day: int) -> bool:
        end = self.end_day
        return end is not None and (end < day or (end == day and self.outcome != "closed"))

    def _actions(self) -> list[str]:
        q, lines = self.quote, []
        if self.add_margin:
            day = self.add_margin_day
            if self._gone_before(day):
                lines.append(f"Day {day}: too late to add {amount(self.add_margin, q)}: the position was already gone.")
            else:
                lines.append(f"Day {day}: you added {amount(self.add_margin, q)} of margin: {self._before_after(day)}.")
        if self.reduce_fraction:
            day = self.reduce_day
            what = "closed the position" if self.reduce_fraction == 1 else (
                f"reduced the size by {percent(self.reduce_fraction, 0)} (the same share of collateral went back "
                "to the wallet)")
            if self._gone_before(day):
                lines.append(f"Day {day}: too late to reduce: the position was already gone.")
            else:
                lines.append(f"Day {day}: you {what}: {self._before_after(day)}.")
        if self.stop_loss is not None and self.start_liquidation_price is not None:
            below = (self.stop_loss <= self.start_liquidation_price if self.side is Side.LONG
                     else self.stop_loss >= self.start_liquidation_price)
            if below and self.outcome != "stopped":
                where = "below" if self.side is Side.LONG else "above"
                lines.append(f"Your stop-loss at {price(self.stop_loss)} is {where} the liquidation price at the "
                             "start: while it stays there the liquidation comes first and the stop never fires.")
            elif below:
                lines.append(f"Your stop-loss at {price(self.stop_loss)} could fire only once your actions had moved "
                             "the liquidation price past it.")
        return lines

    def _watch(self) -> str:
        open_levels = [(day, level) for day, level in enumerate(self.levels) if level is not None]
        day, lowest = min(open_levels, key=lambda pair: pair[1])
        text = f"Lowest margin level at a daily close {percent(lowest, 0)} (day {day})"
        warned, gone = self.warning_day, self.liquidation_day
        if warned is not None:
            closed_at = self.levels[warned]
            if closed_at is not None and closed_at >= self.warning_level:
                # The call came from the day's low (or high), not its close: say so, or "lowest 300 %"
                # and "margin call" read as a contradiction.
                extreme = "low" if self.side is Side.LONG else "high"
                return text + (f"; margin call on day {warned}: the day's {extreme} took the level below "
                               f"{percent(self.warning_level, 0)}, though it closed at {percent(closed_at, 0)}.")
            return text + f"; margin call (below {percent(self.warning_level, 0)}) on day {warned}."
        if gone is not None:
            return text + (f"; no margin call before the liquidation: checked once a day, the level went from "
                           f"above {percent(self.warning_level, 0)} at one close to below 100 % at the next "
                           "(a venue watching continuously warns in between).")
        return text + f"; no margin call (the warning comes below {percent(self.warning_level, 0)})."

    def _ending(self) -> str:
        q, kind, day = self.quote, self.outcome, self.end_day
        if kind == "liquidated":
            event = next(e for e in self.run.records[day].events if e.kind == "liquidation")
            head = (f"Liquidated on day {day}: the mark reached {price(event.price)}, past the liquidation price; "
                    "the position's collateral is lost.")
        elif kind == "stopped":
            head = f"The stop-loss at {price(self.stop_loss)} closed the position on day {day}."
        elif kind == "closed":
            head = f"You closed the position on day {day} at {price(self.closes[day])}."
        else:
            head = f"Still open after {len(self.times) - 1} days at {price(self.closes[-1])}."
        result = "loss" if self.loss >= 0 else "gain"
        paid = f"; funding paid {amount(self.funding_paid, q)}" if self.funding_rate else ""
        return (f"{head} The wallet started at {amount(self.balance, q)} and ends with equity "
                f"{amount(self.final_equity, q)} ({result} {amount(abs(self.loss), q)}, "
                f"{percent(abs(self.loss) / self.balance, 1)} of the wallet{paid}).")


def managed_position(
    path: str = "dip",
    *,
    leverage: float = 10,
    add_margin_day: int = 1,
    add_margin: float = 0.0,
    reduce_day: int = 1,
    reduce_fraction: float = 0.0,
    stop_loss: float | None = None,
    funding_rate: float = 0.0,
    seed: int = 7,
    side: str | Side = "long",
    entry_price: float = 20_000,
    size: float = 1,
    balance: float = 10_000,
    maintenance_rate: float = 0.005,
    days: int = 60,
    depth: float = 0.15,
    base: str = "BTC",
    quote: str = "USDT",
) -> ManagedPosition:
    """Replay one isolated position through a daily path with the learner's actions.

    Parameters
    ----------
    path : str
        A key of :data:`MANAGE_PATHS` ("dip", "flat", "crash", "grind", "squeeze", "whipsaw",
        "random").
    leverage : float
        In (0, 125] (the generic venue's maximum); collateral = the initial margin Q·EP / L.
    add_margin_day, add_margin : int, float
        Move ``add_margin`` (quote currency, >= 0; 0 = no action, at most what the wallet holds
        after opening) into the position at the close of day ``add_margin_day`` (1 to ``days``).
    reduce_day, reduce_fraction : int, float
        Close this fraction of the size (in [0, 1]; 0 = no action, 1 = close) at the close of
        day ``reduce_day``; the same share of the collateral returns to the wallet.
    stop_loss : float or None
        A stop price (0 or None = none): below the entry for a long, above it for a short. It
        fires only if the price reaches it before the liquidation price.
    funding_rate : float
        Funding per 8 hours, a fraction in (−0.01, 0.01) (longs pay when > 0); three payments a
        day are settled together at each daily close.
    seed : int
        Seed of the "random" path (>= 0).
    side, entry_price, size, balance, maintenance_rate, days, depth, base, quote
        The position (``entry_price`` is the path's start), the wallet, the maintenance rate on
        the value at the mark, the path's length in days (3 to 366) and the dip's depth.

    Returns
    -------
    ManagedPosition

    Raises
    ------
    ValueError, TypeError
        For bad input: a day outside the path, margin the wallet does not hold, a stop on the
        wrong side of the entry, a maintenance rate at or above 1/leverage.

    Notes
    -----
    The replay (:func:`margin_lab.replay.replay`) runs the account engine day by day: stops are
    checked against the day's low (long) or high (short) before liquidation, then the day's
    extreme and close update the mark, then funding is paid from the collateral, then the
    actions apply at the close. Adding margin lowers a long's liquidation price; reducing the
    size returns the same share of collateral, so the liquidation price does not move (Bybit
    describes the same for a partial close of an isolated USDT position); funding paid from
    the collateral pulls the liquidation price toward the mark (REFERENCE.md §4, "fees and
    funding don't matter"). Taught in lessons/04_managing_isolated.ipynb.

    References
    ----------
    REFERENCE.md §1 (liquidation price), §3 (add margin = lower leverage; a long's stop below
    its liquidation price never fires), §4.

    Examples
    --------
    The 10x long of REFERENCE.md (liquidation 18,090.45) on the 15 % dip: liquidated. With
    1,100 more collateral on day 1 it lives through the low of 17,000.

    >>> managed_position("dip").outcome
    'liquidated'
    >>> saved = managed_position("dip", add_margin=1_100)
    >>> saved.outcome, round(saved.liquidation_prices[1], 2)
    ('open', 16984.92)
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    balance = require_positive("balance", balance)
    leverage = require_range("leverage", leverage, 0, GENERIC.max_leverage, low_open=True,
                             hint="the generic venue's maximum")
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, low_open=True, high_open=True,
                         hint="a fraction, 0.005 = 0.5 %; 0 leaves no margin level to watch")
    require_rate_below_initial(rate, leverage)
    days = require_range("days", require_count("days", days, minimum=3), 3, 366)
    days = int(days)
    funding = require_range("funding_rate", funding_rate, -0.01, 0.01, low_open=True, high_open=True,
                            hint="a fraction per 8 hours: 0.0001 = 0.01 %")
    collateral = initial_margin(size, entry_price, leverage)
    if collateral > balance:
        raise ValueError(f"leverage must be at least {size * entry_price / balance:g} for this wallet: the "
                         f"collateral {number(collateral)} would exceed the balance {number(balance)}, "
                         f"got {leverage!r}")
    add = require_non_negative("add_margin", add_margin)
    if add > balance - collateral:
        raise ValueError(f"add_margin must be <= the {amount(balance - collateral, quote)} left in the wallet "
                         f"after opening, got {add!r}")
    reduce = require_range("reduce_fraction", reduce_fraction, 0, 1, hint="0 = no reduction, 1 = close")
    for name, day in (("add_margin_day", add_margin_day), ("reduce_day", reduce_day)):
        require_range(name, require_count(name, day), 1, days, hint="a day of the path")
    stop = None if stop_loss in (None, 0) else require_positive("stop_loss", stop_loss)
    if stop is not None and side.sign * (stop - entry_price) >= 0:
        where = "below" if side is Side.LONG else "above"
        raise ValueError(f"stop_loss must be {where} the entry price {number(entry_price)} for a {side.value} "
                         f"(0 = no stop), got {stop_loss!r}")

    prices = manage_path(path, days=days, start_price=entry_price, seed=seed, depth=depth, base=base)
    symbol = f"{require_text('base', base)}{require_text('quote', quote)}"
    closes, lows, highs = ([float(x) for x in a[0]] for a in (prices.prices, prices.low, prices.high))
    leg = Leg(symbol, side, size, leverage, maintenance=rate, stop_loss=stop)
    actions = []
    if add:
        actions.append(Action(add_margin_day, "add_margin", symbol, add))
    if reduce:
        actions.append(Action(reduce_day, "reduce", symbol, size * reduce) if reduce < 1
                       else Action(reduce_day, "close", symbol))
    candles = {"lows": {symbol: lows}, "highs": {symbol: highs}}
    run = replay(Portfolio(balance, (leg,)), {symbol: closes}, actions=tuple(actions),
                 funding_rate=funding * 3, **candles)
    plain = not (actions or funding or stop)
    baseline = run if plain else replay(Portfolio(balance, (Leg(symbol, side, size, leverage, maintenance=rate),)),
                                        {symbol: closes}, **candles)
    return ManagedPosition(
        side=side, entry_price=entry_price, size=size, leverage=leverage, collateral=collateral, balance=balance,
        maintenance_rate=rate, warning_level=GENERIC.warning_level, path=path.strip().lower(),
        description=prices.description, funding_rate=funding, add_margin_day=add_margin_day, add_margin=add,
        reduce_day=reduce_day, reduce_fraction=reduce, stop_loss=stop, times=tuple(float(t) for t in prices.times),
        closes=tuple(closes), lows=tuple(lows), highs=tuple(highs),
        liquidation_prices=tuple(run.series("liquidation_price", symbol)),
        levels=tuple(run.series("level", symbol)), collaterals=tuple(run.series("collateral", symbol)),
        run=run, baseline=baseline, base=base, quote=quote,
    )
