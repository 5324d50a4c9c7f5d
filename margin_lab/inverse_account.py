"""An account whose wallet is in the coin and whose positions are inverse contracts.

:class:`InverseAccount` is an :class:`~margin_lab.account.Account` with a coin wallet
(``InverseAccount(0.5, coin="BTC")``): every amount, the balance, collateral, fees, funding,
P&L, maintenance and the ledger, is in that coin; a position's size is its face value in USD
(``size_usd``) and prices are USD per coin. The liquidation engine, the cross pool, margin moves
and mode switches are the linear account's, applied to coin amounts; opening, closing, funding
and the liquidation and bankruptcy prices follow REFERENCE.md §1b (:mod:`margin_lab.inverse`).
After every call, as for the linear account::

    balance + Σ isolated collateral == ledger_total()          (coins)

A linear (stablecoin-settled) symbol is refused by name: a coin wallet backing USDT positions
would need a conversion rate the venues apply with haircuts (Kraken multi-collateral,
4844463246100), which margin_lab does not model. Taught in lessons/09_collateral_in_the_coin.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _engine as engine
from . import _inverse_orders as inverse_orders
from . import _orders as orders
from ._checks import require_positive, require_text
from .account import Account
from .ledger import ledger_summary
from .model import MarginMode, Side, Venue
from .tiers import MaintenanceSchedule

__all__ = ["InverseAccount", "InversePosition"]


@dataclass(frozen=True)
class InversePosition:
    """A snapshot of one inverse position. Coin amounts; ``size_usd`` in USD; prices USD per coin.

    Field names follow CCXT's unified position (``contracts`` × ``contractSize`` = ``size_usd``;
    ``collateral``, ``initial_margin``, ``maintenance_margin`` and ``unrealized_pnl`` in the coin).
    """

    symbol: str
    coin: str
    side: Side
    size_usd: float
    entry_price: float
    mark_price: float
    margin_mode: MarginMode
    collateral: float
    leverage: float | None
    initial_margin: float
    maintenance_margin: float
    maintenance_rate: float
    unrealized_pnl: float
    liquidation_price: float | None
    margin_level: float
    opened_at: int = 0

    @property
    def notional(self) -> float:
        """The position's value in the coin at the mark, size_usd / mark_price."""
        return self.size_usd / self.mark_price

    @property
    def equity(self) -> float:
        """Own collateral plus unrealised P&L, in the coin (a cross position: its P&L only)."""
        return self.collateral + self.unrealized_pnl

    @property
    def equity_usd(self) -> float:
        """The same equity valued in USD at the mark."""
        return self.equity * self.mark_price


class InverseAccount(Account):
    """A margin account with a wallet in ``coin``, holding inverse (coin-margined) positions.

    Parameters
    ----------
    balance : float
        Opening wallet balance in the coin, > 0.
    coin : str
        The wallet's coin, e.g. ``"BTC"``; a symbol settled in another currency is refused.
    fee_rate : float
        Taker fee rate, a fraction of the traded value (in the coin: f·Q_usd/P).
    venue : Venue or None
        The rules, as for :class:`~margin_lab.account.Account`.

    Examples
    --------
    Kraken Futures' inverse example (support 360022835671): 0.01 BTC backing a 1,000 USD long
    from 8,000, MM 1 % on the mark. On the Kraken derivatives preset the cushion comes back: at
    7,450 the position still holds 0.01 + 1,000/8,000 − 1,000/7,450 = 0.000772 BTC, returned to
    the wallet.

    >>> from margin_lab.venues import venue
    >>> acct = InverseAccount(0.05, coin="BTC", venue=venue("kraken_derivatives"))
    >>> _ = acct.open_isolated("BTC/USD:BTC", "long", 1_000, 8_000, collateral=0.01, maintenance=0.01)
    >>> round(acct.liquidation_price("BTC/USD:BTC"), 2), round(acct.bankruptcy_price("BTC/USD:BTC"), 2)
    (7481.48, 7407.41)
    >>> [e.kind for e in acct.update({"BTC/USD:BTC": 7_450})], round(acct.balance, 6)
    (['liquidation'], 0.040772)
    """

    def __init__(self, balance: float, *, coin: str = "BTC", fee_rate: float = 0.0, venue: Venue | None = None):
        coin = require_text("coin", coin).strip().upper()
        if coin in ("USD", *inverse_orders.LINEAR_QUOTES):
            raise ValueError(f"coin must be the coin the contracts settle in (BTC, ETH, ...), got {coin!r}: a "
                             f"{coin} wallet is a linear account, use margin_lab.Account")
        super().__init__(require_positive("balance", balance, hint=f"in {coin}"), fee_rate=fee_rate, venue=venue)
        self._coin = coin

    @property
    def coin(self) -> str:
        """The wallet's coin: every amount of this account is in it."""
        return self._coin

    def equity_usd(self, price: float) -> float:
        """Equity (coins) valued at ``price`` USD per coin."""
        return self.equity * require_positive("price", price, hint="USD per coin")

    def open_isolated(self, symbol: str, side: str | Side, size_usd: float, entry_price: float,  # type: ignore[override]
                      collateral: float, maintenance: float | MaintenanceSchedule | None,
                      leverage: float | None = None) -> InversePosition:
        """Open an inverse isolated position: ``size_usd`` of face value at ``entry_price``, backed
        by ``collateral`` coins moved out of the wallet.

        The rules are the linear account's in coin units: the collateral (with the fees,
        (fee_rate + opening fee) × size_usd/entry_price) at most the free balance, at least
        size_usd/entry_price/leverage, and the maintenance rate below collateral/(size_usd/entry_price),
        else the position would open past its own liquidation price.
        """
        change = inverse_orders.open_position(self._book(), self._coin, MarginMode.ISOLATED, symbol, side, size_usd,
                                              entry_price, maintenance, leverage, collateral, self._opened + 1)
        self._opened += 1
        return self._commit(change)

    def open_cross(self, symbol: str, side: str | Side, size_usd: float, entry_price: float,  # type: ignore[override]
                   maintenance: float | MaintenanceSchedule | None, leverage: float | None = None) -> InversePosition:
        """Open an inverse cross position sharing the coin wallet (rules as the linear ``open_cross``)."""
        change = inverse_orders.open_position(self._book(), self._coin, MarginMode.CROSS, symbol, side, size_usd,
                                              entry_price, maintenance, leverage, None, self._opened + 1)
        self._opened += 1
        return self._commit(change)

    def liquidation_price(self, symbol: str) -> float | None:
        """Mark price at which ``update()`` liquidates ``symbol`` (REFERENCE.md §1b), other marks fixed."""
        return inverse_orders.liquidation_price(self._book(), orders.holding(self._book(), symbol))

    def bankruptcy_price(self, symbol: str) -> float | None:
        """Mark price at which the coins backing ``symbol`` are used up."""
        return inverse_orders.bankruptcy_price(self._book(), orders.holding(self._book(), symbol))

    def reduce(self, symbol: str, size_usd: float, price: float) -> float:  # type: ignore[override]
        """Close ``size_usd`` of face value at ``price``; returns the realised P&L in the coin,
        s·q·(1/EP − 1/price), before the fee f·q/price (its own ledger entry).

        Examples
        --------
        >>> acct = InverseAccount(1, coin="BTC", fee_rate=0.0005)
        >>> _ = acct.open_isolated("BTCUSD", "short", 50_000, 50_000, collateral=0.2, maintenance=0.005)
        >>> round(acct.reduce("BTCUSD", 25_000, 40_000), 8)  # the short gained: 25,000·(1/40,000 − 1/50,000)
        0.125
        """
        return self._commit(inverse_orders.reduce(self._book(), self._coin, symbol, size_usd, price))

    def pay_funding(self, symbol: str, rate: float) -> float:
        """Settle one funding payment, −s·rate·size_usd/P_mark coins (longs pay when rate > 0)."""
        return self._commit(inverse_orders.funding(self._book(), self._coin, symbol, rate))

    def charge_rollover(self, symbol: str | None = None) -> float:
        """Charge one rollover period, venue.rollover_fee_rate × size_usd/entry_price coins."""
        return self._commit(orders.rollover(self._book(), symbol))

    def switch_mode(self, symbol: str, mode: str | MarginMode, collateral: float | None = None) -> InversePosition:
        """As :meth:`Account.switch_mode`, with the collateral in the coin."""
        return self._commit(orders.switch(self._book(), symbol, mode, collateral))

    def summary(self) -> str:
        """Plain text: wallet, equity, each position and where the coins went."""
        coin = self._coin
        lines = [f"wallet {self._balance:.8g} {coin}; equity {self.equity:.8g} {coin}"]
        for p in self.positions.values():
            liq = "none" if p.liquidation_price is None else f"{p.liquidation_price:,.2f}"
            lines.append(f"{p.symbol}: {p.margin_mode} {p.side} {p.size_usd:,.0f} USD @ {p.entry_price:,.2f}, mark "
                         f"{p.mark_price:,.2f}, uPnL {p.unrealized_pnl:+.8g} {coin}, liquidation {liq}")
        for kind, amount in ledger_summary(self._entries).items():
            if amount:
                lines.append(f"{kind:<22}{amount:>+16.8f} {coin}")
        return "\n".join(lines)

    def _watch(self) -> dict[str, tuple[float, float, float | None, float]]:
        return {s: (p.mark_price, p.margin_level, p.liquidation_price, p.collateral)
                for s, p in self.positions.items()}

    def _snapshot(self, found: engine.Holding, cross_level: float | None = None) -> InversePosition:
        pnl = found.pnl()
        requirement = found.maintenance(self._basis)
        if found.is_cross:
            level = self.cross_margin_level if cross_level is None else cross_level
        else:
            level = engine.level(found.collateral + pnl, requirement)
        return InversePosition(
            symbol=found.symbol, coin=self._coin, side=found.side, size_usd=found.size, entry_price=found.entry_price,
            mark_price=found.mark, margin_mode=found.mode, collateral=found.collateral, leverage=found.leverage,
            initial_margin=found.initial_margin, maintenance_margin=requirement,
            maintenance_rate=found.rate(self._basis), unrealized_pnl=pnl,
            liquidation_price=inverse_orders.liquidation_price(self._book(), found), margin_level=level,
            opened_at=found.opened_at,
        )
