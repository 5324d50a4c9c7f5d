"""Private: the order rules of an account whose wallet is in the coin and whose positions are inverse.

The linear rules (:mod:`margin_lab._orders`) compute with a position's value Q·P in the quote
currency; an inverse position of face value Q_usd is worth Q_usd/P coins. The holding record
below keeps the same fields as the linear one (``size`` holds Q_usd) and answers P&L,
maintenance and initial margin in the coin, so the liquidation engine (:mod:`margin_lab._engine`)
and the rules that only add and compare amounts (margin moves, the cross pool, switching mode,
rollover on the entry value, the checks an opening shares, how a close or a payment is booked)
work unchanged in coin units. What differs, the amounts of opening, closing and funding and the
liquidation and bankruptcy prices, lives here. Each function takes the account's read-only
``Book`` and returns a ``Change`` the account commits in one step.

References
----------
REFERENCE.md §1b (coin P&L and requirement); Binance COIN-M FAQ (funding on the position value
in the coin, Q_usd/P_mark); Kraken support 360022835671.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ._checks import require_choice, require_positive, require_range, require_text
from ._engine import Holding, level, pool
from ._opening import Units, check_isolated_collateral, initial_rate, opening_terms
from ._orders import Book, Change, backing, closed, closing_backing, holding, paid
from .inverse import (
    _inverse_bankruptcy_price_kernel,
    _inverse_pnl_kernel,
    _PERCENT_HINT,
    _solve_inverse_tiered,
)
from .ledger import TRANSFER
from .margin import _positive_or_none
from .model import Basis, MarginMode, Side

_ISOLATED = MarginMode.ISOLATED
LINEAR_QUOTES = ("USDT", "USDC", "BUSD", "FDUSD")


def _coin_units(coin: str) -> Units:
    """How a coin wallet's refusals and ledger notes name its amounts and face values."""
    return Units("size_usd/entry_price", coin)


@dataclass(frozen=True)
class InverseHolding(Holding):
    """A linear :class:`Holding` whose ``size`` is the face value Q_usd and whose amounts are coins."""

    def pnl(self, price: float | None = None) -> float:
        """s·Q_usd·(1/EP − 1/P) coins at ``price`` (default: the mark)."""
        return float(_inverse_pnl_kernel(self.side.sign, self.size, self.entry_price,
                                          self.mark if price is None else price))

    def charged_notional(self, basis: Basis, price: float | None = None) -> float:
        """The value in the coin the rate is charged on: Q_usd/P at the mark or Q_usd/EP."""
        if basis is Basis.ENTRY:
            return self.size / self.entry_price
        return self.size / (self.mark if price is None else price)

    @property
    def initial_margin(self) -> float:
        return self.size / self.entry_price * self.initial_rate

    def but(self, **changes: object) -> "InverseHolding":
        return replace(self, **changes)


def check_symbol(symbol: object, coin: str) -> str:
    """A symbol this coin wallet may hold: refuse a linear (stablecoin-settled) market by name."""
    symbol = require_text("symbol", symbol)
    settle = symbol.split(":", 1)[1] if ":" in symbol else None
    linear = settle is not None and settle.upper() != coin.upper()
    linear = linear or (settle is None and symbol.upper().replace("/", "").endswith(LINEAR_QUOTES))
    if linear:
        raise ValueError(
            f"symbol {symbol!r} looks like a linear (stablecoin-margined) market, but this account's wallet is in "
            f"{coin}: a coin wallet holds only inverse contracts settled in {coin} (e.g. 'BTC/USD:{coin}'). Mixing a "
            f"coin wallet with linear USDT positions is not modelled; use a USDT margin_lab.Account for those")
    return symbol


def open_position(book: Book, coin: str, mode: MarginMode, symbol, side, size_usd, entry_price, maintenance,
                  leverage, collateral, opened_at: int) -> Change:
    """Open an inverse isolated (``collateral`` in the coin) or cross position; ``value`` is the holding."""
    venue = book.venue
    symbol = check_symbol(symbol, coin)
    if symbol in book.positions:
        raise ValueError(f"symbol {symbol!r} is already open: close or reduce it first")
    side = require_choice("side", side, Side)
    size_usd = require_positive("size_usd", size_usd, hint="the contracts' face value in USD")
    entry_price = require_positive("entry_price", entry_price, hint="USD per coin")
    schedule, leverage = opening_terms(book, mode, maintenance, leverage)
    value = size_usd / entry_price  # the position's value in the coin at entry
    rate = schedule.rate(value)
    fee_rows = [(book.fee_rate, "taker fee"), (venue.opening_fee_rate, "opening fee")]
    entries = [book.entry("fee", symbol, -r * value, f"{label} {r:.4%} on {value:.8g} {coin} ({size_usd:,.0f} USD)")
               for r, label in fee_rows if r]
    fees = math.fsum(-e.amount for e in entries)
    if mode is _ISOLATED:
        collateral = require_positive("collateral", collateral, hint=f"in {coin}")
        _check_isolated(book, coin, value, collateral, leverage, rate, fees)
    else:
        collateral = 0.0
        _check_cross(book, coin, size_usd, value, leverage, rate, fees)
    new = InverseHolding(symbol, side, size_usd, entry_price, entry_price, mode, collateral, leverage, schedule,
                         initial_rate(venue, mode, leverage, collateral, value), opened_at)
    positions = {**book.positions, symbol: new}
    if mode is _ISOLATED:
        entries.append(book.entry(TRANSFER, symbol, collateral, f"wallet -> {symbol} collateral"))
    else:
        equity, requirement, _ = pool(positions.values(), book.balance - fees, book.basis)
        if level(equity, requirement) <= 1:
            raise ValueError(f"size_usd {size_usd!r} is too large: the cross pool's equity {equity:.8g} {coin} would "
                             f"not exceed its maintenance margin {requirement:.8g} {coin}, so it would be liquidated "
                             f"at once ({_PERCENT_HINT} for the maintenance rate)")
    return Change(book.balance - fees - collateral, positions, tuple(entries), new)


def _check_isolated(book: Book, coin: str, value: float, collateral: float, leverage, rate: float,
                    fees: float) -> None:
    check_isolated_collateral(book, value, collateral, leverage, fees, _coin_units(coin))
    if rate >= collateral / value:
        raise ValueError(f"maintenance rate {rate:g} must be below collateral / (size_usd/entry_price) = "
                         f"{collateral / value:.4g}: the position would open past its own liquidation price "
                         f"({_PERCENT_HINT}; else add collateral or lower size_usd)")


def _check_cross(book: Book, coin: str, size_usd: float, value: float, leverage, rate: float, fees: float) -> None:
    if leverage is not None and rate >= 1 / leverage:
        raise ValueError(f"maintenance rate {rate:g} must be below the initial margin rate 1/leverage = "
                         f"{1 / leverage:.4g} ({_PERCENT_HINT}; else lower the leverage)")
    if fees > book.balance:
        raise ValueError(f"size_usd {size_usd!r} costs {fees:.8g} {coin} in fees, more than the wallet "
                         f"{book.balance:.8g} {coin}")
    equity, _, initial = pool(book.positions.values(), book.balance, book.basis)
    if leverage is not None and equity - initial < value / leverage + fees:
        raise ValueError(f"size_usd {size_usd!r} needs value/leverage + fees = {value / leverage + fees:.8g} {coin}, "
                         f"more than the free margin {equity - initial:.8g} {coin}")


def liquidation_price(book: Book, found: InverseHolding) -> float | None:
    """Where update() liquidates ``found``: REFERENCE.md §1b with M = the collateral, or the coin
    wallet − Σ other cross MM + Σ other cross uPnL; the mark when a cross pool is under water."""
    collateral = backing(book, found, with_maintenance=True)
    if collateral is None:
        return found.mark
    return _solve_inverse_tiered(found.side, found.entry_price, found.size, collateral, found.schedule, 0.0,
                                 book.basis)


def bankruptcy_price(book: Book, found: InverseHolding) -> float | None:
    """s·Q_usd/(M + s·Q_usd/EP); the mark when a cross pool is already under water."""
    collateral = backing(book, found, with_maintenance=False)
    if collateral is None:
        return found.mark
    return _positive_or_none(_inverse_bankruptcy_price_kernel(found.side.sign, found.entry_price, found.size,
                                                              collateral))


def reduce(book: Book, coin: str, symbol, size_usd, price) -> Change:
    """Close ``size_usd`` of face value at ``price``; ``value`` is the realised coin P&L before fees."""
    found = holding(book, symbol)
    quantity = require_positive("size_usd", size_usd, hint="the face value in USD to close")
    price = require_positive("price", price, hint="USD per coin")
    if quantity > found.size:
        raise ValueError(f"size_usd must be <= the open face value {found.size:,.2f} USD of {symbol}, got {size_usd!r}")
    held, released = closing_backing(book, found, quantity)
    if held + found.pnl(price) < 0:
        bankrupt = _inverse_bankruptcy_price_kernel(found.side.sign, found.entry_price, found.size, held)
        raise ValueError(f"price {price!r} is past the bankruptcy price {bankrupt:,.2f} of {symbol}; call update() "
                         f"to liquidate")
    realized = float(_inverse_pnl_kernel(found.side.sign, quantity, found.entry_price, price))
    return closed(book, found, quantity, price, released, realized, traded_value=quantity / price,
                  units=_coin_units(coin))


def funding(book: Book, coin: str, symbol, rate) -> Change:
    """One funding payment −s·rate·Q_usd/P_mark coins, capped at the collateral or the wallet."""
    found = holding(book, symbol)
    rate = require_range("rate", rate, -1.0, 1.0, low_open=True, high_open=True,
                         hint="a fraction per funding interval, 0.0001 = 0.01 %")
    value = found.size / found.mark
    payment = -found.side.sign * rate * value
    return paid(book, found, "funding", payment, f"funding rate {rate:.4%} on {value:.8g} {coin}")

