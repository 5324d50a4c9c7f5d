"""Collateral in the coin: the same position backed by the coin or by its USDT value.

Two compute steps for lessons/09_collateral_in_the_coin.ipynb:

* :func:`coin_collateral` sweeps the price for one position backed either by ``coin_amount``
  coins (an inverse contract: Binance COIN-M, Bybit inverse, Kraken Futures inverse, BitMEX
  XBTUSD) or by the same value in USDT at entry (a linear contract), and returns both
  liquidation prices and both USD equity lines (the explorer's figure);
* :func:`collateral_replay` runs both through a stylised scenario with the account engine.

Why the lines differ (REFERENCE.md §1b): in USD, coin-backed equity is
P·M + s·Q_usd·(P/EP − 1), a line of slope M + s·Q_usd/EP coins, while USDT-backed equity
M_usd + s·Q_usd·(P/EP − 1) has slope s·Q_usd/EP. The coin collateral is exposure of its own: a
long at leverage L carries L + 1 times its collateral, a short L − 1, and a 1x short none at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import require_choice, require_count, require_fraction, require_positive, require_range, require_text
from ..inverse import _inverse_equity_kernel, inverse_bankruptcy_price, inverse_liquidation_price
from ..inverse_replay import InverseLeg, InversePortfolio, replay_inverse
from ..margin import _pnl_kernel, bankruptcy_price, liquidation_price
from ..model import Side
from ..replay import Leg, Portfolio, replay
from ..scenarios import SCENARIOS, scenario

__all__ = ["CoinCollateral", "coin_collateral", "CollateralReplay", "collateral_replay"]

_COLLATERAL = ("coin", "usdt")


def _collateral_choice(collateral: object) -> str:
    choice = require_text("collateral", collateral).strip().lower()
    if choice not in _COLLATERAL:
        raise ValueError(f"collateral must be 'coin' or 'usdt', got {collateral!r}")
    return choice


def _pct(fraction: float, signed: bool = False) -> str:
    return f"{100 * fraction:{'+' if signed else ''}.2f} %"


def _where(side: Side, price: float | None, entry_price: float) -> str:
    if price is None:
        return "no price liquidates it"
    return f"liquidated at {price:,.2f} ({_pct(abs(price / entry_price - 1))} {'below' if price < entry_price else 'above'} the entry)"


def _exposure_words(exposure_multiple: float) -> str:
    if abs(exposure_multiple) < 1e-12:
        return "none: its USD value does not move with the price, a USD hedge"
    direction = "long" if exposure_multiple > 0 else "short"
    return f"like a {abs(exposure_multiple):g}x {direction} on the collateral's value"


@dataclass(frozen=True)
class CoinCollateral:
    """One position under both collaterals, swept over the price (USD per coin).

    ``coin_equity_usd`` and ``usdt_equity`` are the USD equity at each of ``prices`` while the
    position is open (NaN past its liquidation price: the position is gone there).
    ``*_exposure`` is the USD equity's change per 1 USD of price, in coins.
    """

    side: Side
    leverage: float
    entry_price: float
    collateral: str
    coin_amount: float
    coin: str
    quote: str
    maintenance_rate: float
    size_usd: float
    usdt_collateral: float
    prices: tuple[float, ...]
    coin_equity_usd: tuple[float, ...]
    usdt_equity: tuple[float, ...]
    coin_liquidation: float | None
    usdt_liquidation: float | None
    coin_bankruptcy: float | None
    usdt_bankruptcy: float | None
    coin_exposure: float
    usdt_exposure: float

    @property
    def chosen_liquidation(self) -> float | None:
        return self.coin_liquidation if self.collateral == "coin" else self.usdt_liquidation

    @property
    def chosen_bankruptcy(self) -> float | None:
        return self.coin_bankruptcy if self.collateral == "coin" else self.usdt_bankruptcy

    def summary(self) -> str:
        s, c = self.side, self.coin
        head = (f"A {self.leverage:g}x {s.value} of {self.size_usd:,.0f} USD of {c} from {self.entry_price:,.2f}, "
                f"backed by {self.coin_amount:g} {c} or by its value at entry, {self.usdt_collateral:,.2f} "
                f"{self.quote}; maintenance {100 * self.maintenance_rate:g} % of the value at the mark.")
        coin_line = (f"{c} collateral: {_where(s, self.coin_liquidation, self.entry_price)}; exposure "
                     f"{self.coin_exposure:+.4g} {c} per USD of price, "
                     f"{_exposure_words(self.coin_exposure / self.coin_amount)}.")
        usdt_line = (f"{self.quote} collateral: {_where(s, self.usdt_liquidation, self.entry_price)}; exposure "
                     f"{self.usdt_exposure:+.4g} {c} per USD of price, "
                     f"{_exposure_words(self.usdt_exposure / self.coin_amount)}.")
        lines = [coin_line, usdt_line] if self.collateral == "coin" else [usdt_line, coin_line]
        return "\n".join([head, *lines])


def coin_collateral(
    side: str | Side = "short",
    leverage: float = 5,
    entry_price: float = 88_000,
    collateral: str = "coin",
    *,
    coin_amount: float = 0.1,
    maintenance_rate: float = 0.01,
    coin: str = "BTC",
    quote: str = "USDT",
    points: int = 241,
) -> CoinCollateral:
    """The same position backed by ``coin_amount`` coins or by their value in USDT at entry.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        Position value / collateral value at entry, in [1, 100]: the face value is
        coin_amount·entry_price·leverage USD.
    entry_price : float
        USD per coin, > 0.
    collateral : "coin" or "usdt"
        Which of the two the figure draws in full (the other is drawn for comparison).
    coin_amount : float
        Coins posted, > 0 (the USDT alternative is their value at entry).
    maintenance_rate : float
        A fraction of the value at the mark (Kraken Futures, Binance COIN-M), below 1/leverage.

    Notes
    -----
    Liquidation prices from :func:`margin_lab.inverse_liquidation_price` (coin) and
    :func:`margin_lab.liquidation_price` (USDT, size Q_usd/EP coins). Taught in
    lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    REFERENCE.md §1b (the seed article's short: 0.1 BTC, 5x, 88,000, 1 % → 108,900).

    Examples
    --------
    >>> result = coin_collateral("short", leverage=5, entry_price=88_000)
    >>> round(result.coin_liquidation, 2), round(result.usdt_liquidation, 2), round(result.coin_exposure, 4)
    (108900.0, 104554.46, -0.4)
    >>> coin_collateral("short", leverage=1).coin_liquidation is None
    True
    """
    side = require_choice("side", side, Side)
    leverage = require_range("leverage", leverage, 1.0, 100.0)
    entry_price = require_positive("entry_price", entry_price, hint="USD per coin")
    collateral = _collateral_choice(collateral)
    coin_amount = require_positive("coin_amount", coin_amount, hint="in the coin")
    rate = require_fraction("maintenance_rate", maintenance_rate)
    points = require_count("points", points, minimum=3)
    if rate >= 1 / leverage:
        raise ValueError(f"maintenance_rate must be below 1/leverage = {1 / leverage:.4g}, got {maintenance_rate!r} "
                         f"(the position would open past its own liquidation price; lower the leverage)")
    size_usd = coin_amount * entry_price * leverage
    usdt = coin_amount * entry_price
    size = size_usd / entry_price
    coin_liq = inverse_liquidation_price(side, entry_price, size_usd, coin_amount, rate)
    usdt_liq = liquidation_price(side, entry_price, size, usdt, rate)
    coin_bk = inverse_bankruptcy_price(side, entry_price, size_usd, coin_amount)
    usdt_bk = bankruptcy_price(side, entry_price, size, usdt)

    low, high = 0.5 * entry_price, 1.5 * entry_price
    for liq in (coin_liq, usdt_liq):
        if liq is not None and liq <= 3 * entry_price:
            low, high = min(low, 0.9 * liq), max(high, 1.1 * liq)
    prices = np.linspace(low, high, points)
    coin_usd = prices * _inverse_equity_kernel(side.sign, size_usd, entry_price, prices, coin_amount)
    usdt_usd = usdt + _pnl_kernel(side.sign, size, entry_price, prices)
    for values, liq in ((coin_usd, coin_liq), (usdt_usd, usdt_liq)):
        if liq is not None:
            values[(prices < liq) if side is Side.LONG else (prices > liq)] = np.nan
    return CoinCollateral(
        side=side, leverage=leverage, entry_price=entry_price, collateral=collateral, coin_amount=coin_amount,
        coin=require_text("coin", coin), quote=require_text("quote", quote), maintenance_rate=rate,
        size_usd=size_usd, usdt_collateral=usdt, prices=tuple(prices.tolist()),
        coin_equity_usd=tuple(coin_usd.tolist()), usdt_equity=tuple(usdt_usd.tolist()),
        coin_liquidation=coin_liq, usdt_liquidation=usdt_liq, coin_bankruptcy=coin_bk, usdt_bankruptcy=usdt_bk,
        coin_exposure=side.sign * size + coin_amount, usdt_exposure=side.sign * size,
    )


@dataclass(frozen=True)
class CollateralReplay:
    """Both collaterals through one stylised scenario: USD equity per day (0 once liquidated)."""

    scenario: str
    side: Side
    leverage: float
    entry_price: float
    coin_amount: float
    coin: str
    quote: str
    days: tuple[float, ...]
    prices: tuple[float, ...]
    highs: tuple[float, ...]
    lows: tuple[float, ...]
    coin_equity_usd: tuple[float, ...]
    usdt_equity: tuple[float, ...]
    coin_liquidation: float | None
    usdt_liquidation: float | None
    coin_liquidated_day: float | None
    usdt_liquidated_day: float | None

    def summary(self) -> str:
        def fate(day, price):
            return "survives" if day is None else f"is liquidated on day {day:g} (trigger {price:,.2f})"

        peak, trough = max(self.highs), min(self.lows)
        return "\n".join([
            f"Scenario {self.scenario!r} from {self.entry_price:,.2f}: highest {peak:,.2f} "
            f"({_pct(peak / self.entry_price - 1, True)}), lowest {trough:,.2f} ({_pct(trough / self.entry_price - 1, True)}).",
            f"The {self.leverage:g}x {self.side.value} backed by {self.coin_amount:g} {self.coin} "
            f"{fate(self.coin_liquidated_day, self.coin_liquidation)}; USD equity at the end "
            f"{self.coin_equity_usd[-1]:,.2f}.",
            f"Backed by {self.coin_amount * self.entry_price:,.2f} {self.quote} it "
            f"{fate(self.usdt_liquidated_day, self.usdt_liquidation)}; equity at the end {self.usdt_equity[-1]:,.2f}.",
        ])


def collateral_replay(
    scenario_name: str = "squeeze",
    side: str | Side = "short",
    leverage: float = 3,
    entry_price: float = 88_000,
    *,
    coin_amount: float = 0.1,
    maintenance_rate: float = 0.01,
    days: int = 30,
    coin: str = "BTC",
    quote: str = "USDT",
) -> CollateralReplay:
    """Replay the position of :func:`coin_collateral` under both collaterals through a scenario.

    The coin-backed leg runs in an :class:`~margin_lab.inverse_account.InverseAccount`
    (:func:`margin_lab.inverse_replay.replay_inverse`), the USDT-backed one in a linear
    :class:`~margin_lab.account.Account` (:func:`margin_lab.replay.replay`); each wallet holds
    exactly the collateral, so its equity is the position's. Lows and highs of the candles count.

    Examples
    --------
    >>> run = collateral_replay("squeeze", "short", leverage=3)
    >>> run.coin_liquidated_day is None, run.usdt_liquidated_day is not None
    (True, True)
    """
    if scenario_name not in SCENARIOS:
        raise ValueError(f"scenario_name must be one of {sorted(SCENARIOS)}, got {scenario_name!r}")
    side = require_choice("side", side, Side)
    leverage = require_range("leverage", leverage, 1.0, 100.0)
    entry_price = require_positive("entry_price", entry_price, hint="USD per coin")
    coin_amount = require_positive("coin_amount", coin_amount, hint="in the coin")
    path = scenario(scenario_name, start_price=entry_price, days=days)
    closes, lows, highs = (a[0].tolist() for a in (path.prices, path.low, path.high))
    size_usd = coin_amount * entry_price * leverage
    inverse_run = replay_inverse(
        InversePortfolio(coin_amount, (InverseLeg("INV", side, size_usd, leverage, maintenance=maintenance_rate,
                                                  collateral=coin_amount),), coin=coin),
        {"INV": closes}, lows={"INV": lows}, highs={"INV": highs})
    linear_run = replay(
        Portfolio(coin_amount * entry_price, (Leg("LIN", side, size_usd / entry_price, leverage,
                                                  maintenance=maintenance_rate, collateral=coin_amount * entry_price),)),
        {"LIN": closes}, lows={"LIN": lows}, highs={"LIN": highs})

    def liquidated(run):
        events = [(r.time, e.price) for r in run.records for e in r.events if e.kind == "liquidation"]
        return events[0][0] if events else None

    coin_usd = [record.equity * close for record, close in zip(inverse_run.records, closes)]
    return CollateralReplay(
        scenario=scenario_name, side=side, leverage=leverage, entry_price=entry_price, coin_amount=coin_amount,
        coin=coin, quote=quote, days=tuple(float(r.time) for r in inverse_run.records), prices=tuple(closes),
        highs=tuple(highs), lows=tuple(lows), coin_equity_usd=tuple(coin_usd),
        usdt_equity=tuple(r.equity for r in linear_run.records),
        coin_liquidation=inverse_run.records[0].liquidation_prices["INV"],
        usdt_liquidation=linear_run.records[0].liquidation_prices["LIN"],
        coin_liquidated_day=liquidated(inverse_run), usdt_liquidated_day=liquidated(linear_run),
    )
