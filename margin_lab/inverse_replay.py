"""Scenario replay of inverse legs: a coin wallet and inverse positions through a price path.

:func:`replay_inverse` is :func:`margin_lab.replay.replay` for an :class:`InversePortfolio`: it
opens the legs in an :class:`~margin_lab.inverse_account.InverseAccount`, then at every step
marks every leg at the candle's low, then its high (when candles are given), then the close,
pays funding if asked, and records a :class:`~margin_lab.replay.StepRecord` whose amounts are
in the coin. :meth:`InverseReplay.usd_equity` values each step's equity at that step's price.

A portfolio mixing inverse and linear legs is refused: one wallet cannot be both in the coin
and in USDT here (venues that allow it value coin collateral with haircuts, which margin_lab
does not model). Taught in lessons/09_collateral_in_the_coin.ipynb.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._checks import require_number, require_positive
from .inverse_account import InverseAccount
from .model import MarginMode, Side, Venue
from .portfolio import check_leg
from .replay import Leg, Replay, marked, price_series, step_record
from .tiers import MaintenanceSchedule

__all__ = ["InverseLeg", "InversePortfolio", "InverseReplay", "replay_inverse"]


@dataclass(frozen=True)
class InverseLeg:
    """One planned inverse position: ``size_usd`` of face value, collateral in the coin.

    ``collateral`` (isolated only) defaults to the initial margin size_usd/entry/leverage coins;
    ``entry_price`` defaults to the path's first price.
    """

    symbol: str
    side: Side | str
    size_usd: float
    leverage: float
    mode: MarginMode | str = MarginMode.ISOLATED
    maintenance: float | MaintenanceSchedule = 0.005
    entry_price: float | None = None
    collateral: float | None = None

    def __post_init__(self):
        check_leg(self, require_positive("size_usd", self.size_usd, hint="the contracts' face value in USD"))


@dataclass(frozen=True)
class InversePortfolio:
    """A coin wallet ``balance`` (in ``coin``) and the inverse legs to open in it."""

    balance: float
    legs: tuple[InverseLeg, ...]
    coin: str = "BTC"
    fee_rate: float = 0.0
    venue: Venue | None = None

    def __post_init__(self):
        require_positive("balance", self.balance, hint=f"in {self.coin}")
        legs = tuple(self.legs)
        linear = [leg.symbol for leg in legs if isinstance(leg, Leg)]
        if linear:
            raise ValueError(f"legs must all be InverseLeg: {linear} are linear (USDT-margined) legs, and a coin wallet "
                             f"cannot back them here; replay them in a margin_lab.Portfolio of their own")
        if not legs or not all(isinstance(leg, InverseLeg) for leg in legs):
            raise TypeError(f"legs must be a non-empty sequence of InverseLeg, got {self.legs!r}")
        symbols = [leg.symbol for leg in legs]
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"legs must have distinct symbols (one position per symbol), got {symbols}")
        object.__setattr__(self, "legs", legs)


@dataclass(frozen=True)
class InverseReplay(Replay):
    """A :class:`~margin_lab.replay.Replay` in coin units, plus USD values at each step's price."""

    def usd_equity(self, symbol: str | None = None) -> list[float]:
        """Equity at each step, valued at that step's mark of ``symbol`` (default: the first leg),
        carried on from the last mark once the position is gone."""
        symbol = self.portfolio.legs[0].symbol if symbol is None else symbol
        values, last = [], None
        for record in self.records:
            last = record.marks.get(symbol, last)
            values.append(record.equity * last)
        return values

    def summary(self) -> str:
        """Plain text: start, end and loss in the coin and in USD, and what happened when."""
        coin = self.portfolio.coin
        usd = self.usd_equity()
        lines = [f"Start {self.start_value:.4g} {coin} ({usd[0]:,.2f} USD); end equity {self.final_equity:.4g} {coin} "
                 f"({usd[-1]:,.2f} USD at the last price)."]
        for record in self.records:
            for event in record.events:
                what = "margin call" if event.kind == "margin_call" else f"liquidation, lost {event.loss:.4g} {coin}"
                lines.append(f"Day {record.time:g}: {event.symbol} ({event.margin_mode}) {what} at "
                             f"{event.price:,.2f} USD.")
        return "\n".join(lines)


def replay_inverse(
    portfolio: InversePortfolio,
    prices: Mapping[str, Sequence[float]],
    *,
    lows: Mapping[str, Sequence[float]] | None = None,
    highs: Mapping[str, Sequence[float]] | None = None,
    days_per_step: float = 1.0,
    funding_rate: float = 0.0,
) -> InverseReplay:
    """Run an inverse ``portfolio`` through ``prices`` (symbol -> closes in USD per coin).

    Parameters and records as :func:`margin_lab.replay.replay`, with amounts in the coin. The
    marks of a step follow the candle: low, then high, then close.

    Examples
    --------
    The seed article's short, 0.1 BTC backing 44,000 USD of contracts from 88,000 (5x, 1 % on the
    mark, liquidation at 108,900), through a rise to 105,000 and one to 110,000:

    >>> legs = (InverseLeg("BTCUSD", "short", size_usd=44_000, leverage=5, maintenance=0.01),)
    >>> run = replay_inverse(InversePortfolio(0.1, legs), {"BTCUSD": [88_000, 105_000, 110_000]})
    >>> run.liquidated, run.records[1].events, round(run.records[1].liquidation_prices["BTCUSD"], 2)
    (('BTCUSD',), (), 108900.0)
    >>> run.final_equity, round(run.usd_equity()[0], 2)
    (0.0, 8800.0)
    """
    if not isinstance(portfolio, InversePortfolio):
        raise TypeError(f"portfolio must be an InversePortfolio, got {portfolio!r}")
    symbols = [leg.symbol for leg in portfolio.legs]
    closes, lows, highs = price_series(symbols, prices, lows, highs)
    days_per_step = require_positive("days_per_step", days_per_step)
    funding_rate = require_number("funding_rate", funding_rate)

    account = InverseAccount(portfolio.balance, coin=portfolio.coin, fee_rate=portfolio.fee_rate,
                             venue=portfolio.venue)
    for leg in portfolio.legs:
        entry = leg.entry_price or closes[leg.symbol][0]
        if leg.mode is MarginMode.ISOLATED:
            collateral = leg.collateral or leg.size_usd / entry / leg.leverage
            account.open_isolated(leg.symbol, leg.side, leg.size_usd, entry, collateral, leg.maintenance, leg.leverage)
        else:
            account.open_cross(leg.symbol, leg.side, leg.size_usd, entry, leg.maintenance, leg.leverage)
    account.update({s: closes[s][0] for s in account.symbols})
    records = [step_record(account, 0, 0.0, ())]
    for step in range(1, len(closes[symbols[0]])):
        events = marked(account, step, closes, lows, highs, funding_rate)
        records.append(step_record(account, step, step * days_per_step, events))
    return InverseReplay(portfolio, tuple(records), account.ledger_summary())

