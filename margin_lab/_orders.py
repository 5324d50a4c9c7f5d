"""Private: what each Account command would do, computed without changing anything.

Every function takes a read-only :class:`Book` (the account's state), validates its input,
and returns a :class:`Change` that the Account commits in one step, so a refused call leaves
the account untouched. The rules are documented on the Account methods.

References
----------
REFERENCE.md §1 (IM = Q·EP/L; bankruptcy price), §2 (Binance error −4048: no mode change on an
open position; Kraken spot opening and rollover fees, 203053156 and 206161568), §3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ._checks import (
    require_choice,
    require_opens_before_liquidation,
    require_positive,
    require_range,
    require_text,
)
from ._engine import Holding, level, pool
from .ledger import TRANSFER, LedgerEntry
from .margin import _bankruptcy_price_kernel, _cross_collateral_kernel, _funding_kernel, _positive_or_none, checked_position
from ._opening import Units, check_bracket, check_isolated_collateral, initial_rate, opening_terms
from .model import Basis, MarginMode, Venue
from .tiers import _solve_tiered

_ISOLATED, _CROSS = MarginMode.ISOLATED, MarginMode.CROSS


@dataclass(frozen=True)
class Book:
    """The account's state as the order functions read it (positions: symbol -> Holding)."""

    balance: float
    positions: dict
    venue: Venue
    basis: Basis
    fee_rate: float
    step: int

    def entry(self, kind: str, symbol: str, amount: float, note: str) -> LedgerEntry:
        return LedgerEntry(kind, symbol, amount, note, self.step)

    def free_balance(self, positions: dict | None = None) -> float:
        """min(balance, balance + Σ cross uPnL − Σ cross IM): what may leave the wallet."""
        held = self.positions if positions is None else positions
        equity, _, initial = pool(held.values(), self.balance, self.basis, self.fee_rate)
        return min(self.balance, equity - initial)

    def requirement(self, found: Holding) -> float:
        """What ``found``'s equity must exceed: its maintenance margin plus the closing fee this
        account would charge at the mark (REFERENCE.md §1; lesson 03)."""
        return found.requirement(self.basis, self.fee_rate)


@dataclass(frozen=True)
class Change:
    balance: float
    positions: dict
    entries: tuple = ()
    value: object = None


def holding(book: Book, symbol: object) -> Holding:
    if isinstance(symbol, str) and symbol in book.positions:
        return book.positions[symbol]
    require_text("symbol", symbol)
    raise ValueError(f"symbol must be one of {list(book.positions)}, got {symbol!r} (the open positions)")


def isolated(book: Book, symbol: object, action: str) -> Holding:
    found = holding(book, symbol)
    if found.is_cross:
        raise ValueError(f"symbol {symbol!r} is a cross position: {action} works on isolated positions only; cross "
                         f"positions share the wallet, so use the wallet (deposit) instead")
    return found


def backing(book: Book, found: Holding, *, with_maintenance: bool) -> float | None:
    """M of REFERENCE.md §1: the collateral, or for cross the wallet + Σ other cross uPnL (− Σ other
    cross MM and closing fees for the liquidation price; Binance TMM₁, UPNL₁). None when a cross M
    is already <= 0."""
    if not found.is_cross:
        return found.collateral
    others = [h for h in book.positions.values() if h.is_cross and h is not found]
    maintenances = [book.requirement(h) for h in others] if with_maintenance else []
    total = _cross_collateral_kernel(book.balance, [h.pnl() for h in others], maintenances)
    return total if total > 0 else None


def liquidation_price(book: Book, found: Holding) -> float | None:
    """Where update() liquidates ``found`` (its mark when a cross pool is already under water)."""
    return _price_backed_by(book, found, backing(book, found, with_maintenance=True))


def liquidation_prices(book: Book) -> dict[str, float | None]:
    """Every open position's :func:`liquidation_price`, with each cross position's P&L and
    maintenance computed once instead of once per other cross position (a replay records these
    at every step). ``math.fsum`` is exactly rounded, so each backing is the one
    :func:`backing` sums."""
    cross = {s: (h.pnl(), book.requirement(h)) for s, h in book.positions.items() if h.is_cross}
    prices = {}
    for symbol, found in book.positions.items():
        collateral = found.collateral
        if found.is_cross:
            others = [amounts for other, amounts in cross.items() if other != symbol]
            total = _cross_collateral_kernel(book.balance, [pnl for pnl, _ in others], [mm for _, mm in others])
            collateral = total if total > 0 else None
        prices[symbol] = _price_backed_by(book, found, collateral)
    return prices


def _price_backed_by(book: Book, found: Holding, collateral: float | None) -> float | None:
    if collateral is None:
        return found.mark
    return _solve_tiered(found.side, found.entry_price, found.size, collateral, found.schedule, book.fee_rate,
                         book.basis)


def bankruptcy_price(book: Book, found: Holding) -> float | None:
    """EP − s·M/Q (REFERENCE.md §1); the mark when a cross pool is already under water."""
    collateral = backing(book, found, with_maintenance=False)
    if collateral is None:
        return found.mark
    return _positive_or_none(_bankruptcy_price_kernel(found.side.sign, found.entry_price, found.size, collateral),
                             found.entry_price)


def max_removable(book: Book, found: Holding) -> float:
    """Collateral >= 0, >= IM + any unrealised loss (with a leverage), level >= the warning level."""
    pnl = found.pnl()
    limits = [found.collateral, found.collateral + pnl - book.venue.warning_level * book.requirement(found)]
    if found.leverage is not None:
        limits.append(found.collateral + min(pnl, 0.0) - found.initial_margin)
    return max(0.0, min(limits))


def open_position(book: Book, mode: MarginMode, symbol, side, size, entry_price, maintenance, leverage,
                  collateral, opened_at: int) -> Change:
    """Open an isolated (``collateral`` given) or cross position; ``value`` is the new Holding."""
    venue = book.venue
    symbol = require_text("symbol", symbol)
    if symbol in book.positions:
        raise ValueError(f"symbol {symbol!r} is already open: close or reduce it first")
    side, entry_price, size = checked_position(side, entry_price, size)
    schedule, leverage = opening_terms(book, mode, maintenance, leverage)
    notional = size * entry_price
    if leverage is None and mode is _ISOLATED:
        check_bracket(venue, schedule, notional, notional / require_positive("collateral", collateral), implied=True)
    elif leverage is not None:
        check_bracket(venue, schedule, notional, leverage)
    fee_rows = [(book.fee_rate, "taker fee"), (venue.opening_fee_rate, "opening fee")]
    entries = [book.entry("fee", symbol, -r * notional, f"{label} {r:.4%} on {notional:,.2f}")
               for r, label in fee_rows if r]
    fees = math.fsum(-e.amount for e in entries)
    if mode is _ISOLATED:
        collateral = require_positive("collateral", collateral)
        _check_isolated(book, notional, collateral, leverage, schedule, fees)
    else:
        collateral = 0.0
        _check_cross(book, size, notional, leverage, schedule, fees)
    new = Holding(symbol, side, size, entry_price, entry_price, mode, collateral, leverage, schedule,
                  initial_rate(venue, mode, leverage, collateral, notional, schedule), opened_at)
    positions = {**book.positions, symbol: new}
    if mode is _ISOLATED:
        entries.append(book.entry(TRANSFER, symbol, collateral, f"wallet -> {symbol} collateral"))
    else:
        equity, requirement, _ = pool(positions.values(), book.balance - fees, book.basis, book.fee_rate)
        if level(equity, requirement) <= 1:
            raise ValueError(f"size {size!r} is too large: the cross pool's equity {equity:,.2f} would not exceed "
                             f"its maintenance margin{' and closing fees' if book.fee_rate else ''} "
                             f"{requirement:,.2f}, so it would be liquidated at once (check that maintenance is a "
                             f"fraction, 0.005 = 0.5 %)")
    return Change(book.balance - fees - collateral, positions, tuple(entries), new)


def _check_isolated(book: Book, notional: float, collateral: float, leverage, schedule, fees: float) -> None:
    check_isolated_collateral(book, notional, collateral, leverage, fees)
    tier = schedule.tier(notional)
    require_opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=tier.rate,
                                     maintenance_amount=tier.amount, fee_rate=book.fee_rate, blame="collateral")


def _check_cross(book: Book, size: float, notional: float, leverage, schedule, fees: float) -> None:
    if leverage is not None:
        tier = schedule.tier(notional)
        require_opens_before_liquidation(collateral=notional / leverage, notional=notional, maintenance_rate=tier.rate,
                                         maintenance_amount=tier.amount, fee_rate=book.fee_rate, blame="leverage",
                                         leverage=leverage)
    if fees > book.balance:
        raise ValueError(f"size {size!r} costs {fees:,.2f} in fees, more than the wallet balance {book.balance:,.2f}")
    equity, _, initial = pool(book.positions.values(), book.balance, book.basis, book.fee_rate)
    if leverage is not None and equity - initial < notional / leverage + fees:
        raise ValueError(f"size {size!r} needs notional/leverage + fees = {notional / leverage + fees:,.2f}, more "
                         f"than the free margin {equity - initial:,.2f} (lower the size or raise the leverage)")


def move_margin(book: Book, symbol, amount, most: float, into: bool) -> Change:
    """Wallet -> collateral (``into``) or back; ``most`` is the limit for that direction."""
    found = isolated(book, symbol, "add_margin" if into else "remove_margin")
    amount = require_positive("amount", amount)
    if amount > most:
        rule = "the free balance" if into else (f"the most {found.symbol} can release (collateral >= 0, >= the initial "
                                                f"margin for its leverage, level >= the warning level)")
        raise ValueError(f"amount must be <= {most:,.2f}, {rule}, got {amount!r}")
    sign = 1 if into else -1
    changed = replace(found, collateral=found.collateral + sign * amount)
    note = f"wallet -> {found.symbol} collateral" if into else f"{found.symbol} collateral -> wallet"
    return Change(book.balance - sign * amount, {**book.positions, found.symbol: changed},
                  (book.entry(TRANSFER, found.symbol, amount, note),), changed)


def reduce(book: Book, symbol, size, price) -> Change:
    """Close ``size`` at ``price``; ``value`` is the realised P&L before fees."""
    found = holding(book, symbol)
    quantity = require_positive("size", size)
    price = require_positive("price", price)
    if quantity > found.size:
        raise ValueError(f"size must be <= the open size {found.size:g} of {symbol}, got {size!r}")
    backing, released = closing_backing(book, found, quantity)
    if backing + found.pnl(price) < 0:
        bankrupt = found.entry_price - found.side.sign * backing / found.size
        raise ValueError(f"price {price!r} is past the bankruptcy price {bankrupt:,.2f} of {symbol}; call update() "
                         f"to liquidate")
    realized = found.side.sign * quantity * (price - found.entry_price)
    return closed(book, found, quantity, price, released, realized, traded_value=quantity * price)


def closing_backing(book: Book, found: Holding, quantity: float) -> tuple[float, float]:
    """What backs ``found`` while ``quantity`` of it closes (its collateral, or the wallet + Σ other
    cross uPnL), and the collateral that returns to the wallet (its share of the closed size)."""
    if found.is_cross:
        others = [h.pnl() for h in book.positions.values() if h.is_cross and h is not found]
        return _cross_collateral_kernel(book.balance, others, []), 0.0
    if quantity == found.size:
        return found.collateral, found.collateral
    return found.collateral, found.collateral * quantity / found.size


def closed(book: Book, found: Holding, quantity: float, price: float, released: float, realized: float, *,
           traded_value: float, units: Units = Units()) -> Change:
    """The Change a (partial) close of ``quantity`` at ``price`` commits: the rest of the position,
    the returned collateral, the realised P&L and the taker fee on ``traded_value`` (in the wallet's
    unit) as ledger entries; ``value`` is the realised P&L. Refused when the wallet cannot pay the
    realised loss and the fee."""
    fee = book.fee_rate * traded_value
    if book.balance + released + realized - fee < 0:
        raise ValueError(f"price {price!r}: closing realises {units.amount(realized)} and a {units.amount(fee)} fee, "
                         f"more than the wallet {units.amount(book.balance)} can pay; close profitable positions "
                         f"first or deposit")
    symbol = found.symbol
    positions = dict(book.positions)
    if quantity == found.size:
        del positions[symbol]
    else:
        positions[symbol] = replace(found, size=found.size - quantity, collateral=found.collateral - released)
    entries = [book.entry(TRANSFER, symbol, released, f"{symbol} collateral -> wallet")] if released else []
    entries.append(book.entry("realized_pnl", symbol, realized, f"closed {units.size(quantity)} at {price:,.2f}"))
    if fee:
        entries.append(book.entry("fee", symbol, -fee, f"taker fee {book.fee_rate:.4%} on {units.amount(traded_value)}"))
    return Change(book.balance + released + realized - fee, positions, tuple(entries), realized)


def funding(book: Book, symbol, rate) -> Change:
    """One funding payment −s·rate·Q·P_mark, capped at the collateral (isolated) or wallet (cross)."""
    found = holding(book, symbol)
    rate = require_range("rate", rate, -1.0, 1.0, low_open=True, high_open=True,
                         hint="a fraction per funding interval, 0.0001 = 0.01 %")
    payment = -_funding_kernel(found.side.sign, rate, found.size, found.mark)
    note = f"funding rate {rate:.4%} on {found.size * found.mark:,.2f}"
    return paid(book, found, "funding", payment, note)


def paid(book: Book, found: Holding, kind: str, amount: float, note: str) -> Change:
    """``amount`` paid to ``found`` (negative: charged), into its collateral (isolated) or the wallet
    (cross); a charge is capped at what backs it. ``value`` is the amount actually paid."""
    positions, balance = dict(book.positions), book.balance
    if found.is_cross:
        amount = max(amount, -balance)
        balance += amount
    else:
        amount = max(amount, -found.collateral)
        positions[found.symbol] = replace(found, collateral=found.collateral + amount)
    return Change(balance, positions, (book.entry(kind, found.symbol, amount, note),) if amount else (), amount)


def rollover(book: Book, symbol) -> Change:
    """One rollover period on ``symbol`` (or every position): venue.rollover_fee_rate × the entry
    value (Q·EP, or Q_usd/EP coins for an inverse holding), capped like funding."""
    held = [holding(book, symbol)] if symbol is not None else list(book.positions.values())
    rate = book.venue.rollover_fee_rate
    positions, balance, entries = dict(book.positions), book.balance, []
    for found in held:
        charge = rate * found.charged_notional(Basis.ENTRY)
        if found.is_cross:
            charge = min(charge, balance)
            balance -= charge
        else:
            charge = min(charge, found.collateral)
            positions[found.symbol] = replace(found, collateral=found.collateral - charge)
        if charge:
            entries.append(book.entry("rollover", found.symbol, -charge, f"rollover {rate:.4%} of the entry value"))
    return Change(balance, positions, tuple(entries), math.fsum(-e.amount for e in entries))


def switch(book: Book, symbol, mode, collateral) -> Change:
    """Move an open position between isolated and cross; ``value`` is the changed Holding."""
    found = holding(book, symbol)
    mode = require_choice("mode", mode, MarginMode)
    venue = book.venue
    if not venue.can_switch_open_position:
        raise ValueError(f"mode: {venue.name} does not let an open position change its margin mode (like Binance "
                         f"error -4048, 'Margin type cannot be changed if there exists position'); "
                         f"close {symbol} first")
    if mode is found.mode:
        raise ValueError(f"mode must differ from the current mode: {symbol} is already {mode.value}, "
                         f"got {mode.value!r}")
    if not (venue.cross_available if mode is _CROSS else venue.isolated_available):
        raise ValueError(f"mode {mode.value!r} is not available on {venue.name}")
    positions = dict(book.positions)
    if mode is _CROSS:
        if collateral is not None:
            raise ValueError(f"collateral must be None when switching to cross (the collateral returns to the "
                             f"wallet), got {collateral!r}")
        rate = initial_rate(venue, _CROSS, found.leverage, 0.0, found.charged_notional(Basis.ENTRY), found.schedule)
        changed = replace(found, mode=_CROSS, collateral=0.0, warned=False, initial_rate=rate)
        positions[symbol] = changed
        balance = book.balance + found.collateral
        equity, requirement, _ = pool(positions.values(), balance, book.basis, book.fee_rate)
        if level(equity, requirement) < 1:
            raise ValueError(f"mode: moving {symbol} into cross would leave the pool's equity {equity:,.2f} under its "
                             f"maintenance margin {requirement:,.2f}")
        back = book.entry(TRANSFER, symbol, found.collateral, f"{symbol} collateral -> wallet")
        return Change(balance, positions, (back,), changed)
    if collateral is None:
        raise ValueError(f"collateral must be given when switching {symbol} to isolated, got None")
    collateral = require_positive("collateral", collateral)
    del positions[symbol]
    free = book.free_balance(positions)
    if collateral > free:
        raise ValueError(f"collateral must be <= the free balance {free:,.2f}, got {collateral!r}")
    least = book.requirement(found) - found.pnl()
    if collateral < least:
        raise ValueError(f"collateral must be >= {least:,.2f} (maintenance{' and closing fee' if book.fee_rate else ''}"
                         f" minus unrealised P&L) or {symbol} would be "
                         f"liquidated at once, got {collateral!r}")
    balance = book.balance - collateral
    equity, requirement, _ = pool(positions.values(), balance, book.basis, book.fee_rate)
    if level(equity, requirement) < 1:
        raise ValueError(f"collateral {collateral!r} would leave the cross pool's equity {equity:,.2f} under its "
                         f"maintenance margin {requirement:,.2f}")
    rate = initial_rate(venue, _ISOLATED, found.leverage, collateral, found.charged_notional(Basis.ENTRY))
    changed = replace(found, mode=_ISOLATED, collateral=collateral, warned=False, initial_rate=rate)
    positions[symbol] = changed
    moved = book.entry(TRANSFER, symbol, collateral, f"wallet -> {symbol} collateral")
    return Change(balance, positions, (moved,), changed)
