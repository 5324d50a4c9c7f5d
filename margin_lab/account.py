"""The account: one wallet, positions in isolated or cross mode, a ledger, and the liquidation engine.

The only mutable object in margin_lab. Every method validates its input and computes the whole
new state before changing anything, so a refused call leaves the account exactly as it was.

Money (quote currency). One wallet, ``balance``, never below 0. Opening an isolated position
moves its collateral out of the wallet into the position; ``add_margin``/``remove_margin``,
``reduce`` and ``close`` move it back. Cross positions hold nothing of their own: they share the
wallet. Every movement is a ledger entry (:mod:`margin_lab.ledger`) and, after every call::

    balance + Σ isolated collateral == ledger_total()
    equity = balance + Σ isolated collateral + Σ unrealised P&L == ledger_total() + Σ uPnL

Opening pays the taker fee (``fee_rate`` × notional) plus the venue's opening fee (Kraken spot,
support 203053156) from the wallet. Closing and reducing pay the taker fee on the exit value.
Liquidation pays none: the forfeited cushion stands in for it. Funding (−s·rate·Q·P_mark: longs
pay a positive rate) and rollover (venue.rollover_fee_rate × the entry value per 4-hour period,
Kraken spot 203053156, 206161568) come out of the collateral (isolated) or the wallet (cross),
never more than they hold. ``switch_mode`` follows ``venue.can_switch_open_position`` (REFERENCE.md
§2: Binance refuses with error −4048, BitMEX allows).

Margin level = equity / requirement (REFERENCE.md §1): an isolated position's equity is
M + uPnL; the cross pool's is balance + Σ cross uPnL against Σ cross requirements. The
requirement is the maintenance margin MM = Q·P·r − cum at the mark (``Basis.MARK``: Binance,
Hyperliquid) or Q·EP·r − cum on the entry value (``Basis.ENTRY``: Bybit USDT isolated, BitMEX
examples), plus the fee for closing at the mark, ``fee_rate``·Q·P, when the account charges a
fee (Gate counts it in the rate; OKX's requirement is "maintenance margin plus fees"; taught in
lessons/03_liquidation_mechanics.ipynb). With ``fee_rate=0`` it is the maintenance margin. ``update()`` checks isolated positions in
opening order, then the cross pool: level < 1 liquidates; a level under ``venue.warning_level``
emits one margin call per crossing, re-armed once the level is back at or above it. A gap from
above the warning level to below 1 emits only the liquidation (REFERENCE.md §3: a gap can skip
the warning; Kraken 203325763: the notice may not arrive).

Isolated liquidation at the mark: the loss stops at M. Cushion forfeited (BitMEX "the
maintenance margin is lost", Bybit closes at the bankruptcy price): nothing returns. Cushion
returned (Kraken derivatives, support 360022835671: the IOC fill leaves the trader the rest): the
wallet gets max(M + uPnL, 0). Cross liquidation, ``venue.cross_liquidation``: ``"all"`` closes
every cross position; ``"oldest_first"`` (Kraken spot, 203325763) closes them oldest first until
the pool is back above maintenance. The wallet never goes below 0: a loss past it is the venue's
insurance fund, noted in the event's ``detail``, not in the trader's ledger. Isolated collateral
is never touched by a cross liquidation (REFERENCE.md §3: "only the isolated amount is at risk").

Liquidation price: REFERENCE.md §1 through :func:`margin_lab.tiers.tiered_liquidation_price`
with the account's ``fee_rate`` (the same as :func:`margin_lab.margin.liquidation_price` with
that ``fee_rate`` for one rate), and M = the collateral (isolated) or the wallet − Σ other cross
requirements + Σ other cross uPnL at their marks (cross; Binance TMM₁ and UPNL₁). It is the
price at which ``update()`` liquidates when only that position's mark moves.

Leverage: a position's ``leverage`` is the one chosen at opening (the order form's setting: it
sets the initial margin that ``remove_margin`` must leave). The snapshot an isolated position
reports (:attr:`Account.positions`) gives what its collateral carries now, at the entry value:
``leverage`` = Q·EP / collateral and ``initial_margin`` = the collateral, so ``add_margin``,
``remove_margin``, funding and rollover show in both (math.inf once funding has taken it all).
A cross position reports the leverage chosen (None if none) and Q·EP / that leverage. Leverage gates opening only; it never moves a cross liquidation
price (REFERENCE.md §4; Hyperliquid docs).

Taught in the lessons on isolated vs cross margin and where the money goes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from . import _engine as engine
from . import _orders as orders
from ._checks import require_choice, require_fee_rate, require_positive, require_range
from .ledger import LedgerEntry, ledger_summary, ledger_total, money_trail
from .model import Basis, Event, MarginMode, Position, Side, Venue
from .tiers import MaintenanceSchedule
from .venues import GENERIC

__all__ = ["Account", "generic_venue"]


def generic_venue(fee_rate: float = 0.0) -> Venue:
    """The rules an Account follows when no venue is given: neutral teaching defaults.

    Mark basis, maximum leverage 125, a margin call below 150 % of maintenance, cushion
    forfeited, both modes available and switchable, cross liquidation takes every cross position,
    0.5 % maintenance when a position is opened with ``maintenance=None``. The same rules as the
    ``"generic"`` preset of :mod:`margin_lab.venues`, with ``fee_rate`` as its taker fee.

    Examples
    --------
    >>> generic_venue(0.0005).taker_fee_rate, generic_venue().basis
    (0.0005, <Basis.MARK: 'mark'>)
    """
    return replace(GENERIC, taker_fee_rate=require_fee_rate("fee_rate", fee_rate))


class Account:
    """A margin account: wallet, isolated and cross positions, ledger and events.

    Parameters
    ----------
    balance : float
        Opening wallet balance in quote currency, > 0 (recorded as a deposit).
    fee_rate : float
        Taker fee as a fraction of the traded value (0.0005 = 0.05 %), in [0, 0.01] (more is
        refused as a percent typed as a fraction), charged on every open and close. The fee for
        closing at the mark counts in every position's requirement, so it moves the liquidation
        price and the trigger toward the entry (lesson 03). A venue preset's ``taker_fee_rate`` is its published base rate,
        for reference: it is not charged unless passed here
        (``Account(10_000, venue=v, fee_rate=v.taker_fee_rate)``), so a lesson can switch fees
        on and off without changing the venue's other rules.
    venue : Venue or None
        The rules (leverage cap, basis, warning level, cushion, modes, opening and rollover
        fees); None for :func:`generic_venue`. Presets live in :mod:`margin_lab.venues`.

    Examples
    --------
    Bybit USDT isolated (REFERENCE.md §1): long 1 BTC at 20,000, 50x, 0.5 % on the entry value:

    >>> acct = Account(1_000, venue=replace(generic_venue(), basis=Basis.ENTRY))
    >>> acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=400, maintenance=0.005, leverage=50).collateral
    400.0
    >>> acct.liquidation_price("BTCUSDT")
    19700.0
    >>> [e.kind for e in acct.update({"BTCUSDT": 19_650})], acct.balance, acct.events[0].loss
    (['liquidation'], 600.0, 400.0)
    """

    def __init__(self, balance: float, *, fee_rate: float = 0.0, venue: Venue | None = None):
        balance = require_positive("balance", balance)
        self._fee_rate = require_fee_rate("fee_rate", fee_rate)
        if venue is None:
            venue = generic_venue(self._fee_rate)
        elif not isinstance(venue, Venue):
            raise TypeError(f"venue must be a Venue (see margin_lab.venues) or None, got {venue!r}")
        if venue.cross_liquidation not in ("all", "oldest_first"):
            raise ValueError(f"venue.cross_liquidation must be 'all' or 'oldest_first', "
                             f"got {venue.cross_liquidation!r}")
        require_range("venue.warning_level", venue.warning_level, 1.0, math.inf, hint="a ratio, 1.5 = 150 %")
        require_positive("venue.max_leverage", venue.max_leverage)
        require_fee_rate("venue.opening_fee_rate", venue.opening_fee_rate)
        require_fee_rate("venue.rollover_fee_rate", venue.rollover_fee_rate)
        self._venue = venue
        self._basis = require_choice("venue.basis", venue.basis, Basis)
        self._balance = balance
        self._positions: dict[str, engine.Holding] = {}
        self._entries: list[LedgerEntry] = [LedgerEntry("deposit", "", balance, "opening balance")]
        self._events: list[Event] = []
        self._step = 0
        self._opened = 0
        self._pool_warned = False

    # ---- what the account shows -------------------------------------------------------------

    @property
    def balance(self) -> float:
        """Wallet balance, quote currency (isolated collateral and unrealised P&L excluded)."""
        return self._balance

    @property
    def equity(self) -> float:
        """Wallet + isolated collateral + unrealised P&L of every position at the marks."""
        held = self._positions.values()
        return math.fsum([self._balance, *(h.collateral for h in held), *(h.pnl() for h in held)])

    @property
    def positions(self) -> dict[str, Position]:
        """Symbol -> frozen :class:`~margin_lab.model.Position` snapshot, in opening order."""
        cross_level = self.cross_margin_level  # once for all cross positions
        return {symbol: self._snapshot(h, cross_level) for symbol, h in self._positions.items()}

    @property
    def symbols(self) -> tuple[str, ...]:
        """The open positions' symbols, in opening order (cheaper than :attr:`positions`)."""
        return tuple(self._positions)

    @property
    def events(self) -> tuple[Event, ...]:
        """Every margin call and liquidation so far, oldest first."""
        return tuple(self._events)

    @property
    def ledger(self) -> tuple[LedgerEntry, ...]:
        """Every money movement so far, oldest first."""
        return tuple(self._entries)

    @property
    def venue(self) -> Venue:
        """The rules this account follows (a frozen Venue)."""
        return self._venue

    @property
    def fee_rate(self) -> float:
        """Taker fee rate, a fraction of the traded value."""
        return self._fee_rate

    @property
    def free_balance(self) -> float:
        """What may leave the wallet for isolated collateral: min(balance, balance + Σ cross uPnL
        − Σ cross initial margin). Negative when the cross pool is short of initial margin."""
        return self._book().free_balance()

    @property
    def cross_margin_level(self) -> float | None:
        """Cross pool equity / Σ cross maintenance margin (ratio); None without cross positions."""
        if not any(h.is_cross for h in self._positions.values()):
            return None
        equity, requirement, _ = engine.pool(self._positions.values(), self._balance, self._basis, self._fee_rate)
        return engine.level(equity, requirement)

    def mark(self, symbol: str) -> float:
        """The current mark price of an open position."""
        return orders.holding(self._book(), symbol).mark

    def ledger_total(self) -> float:
        """Sum of the counted ledger entries (see :mod:`margin_lab.ledger`)."""
        return ledger_total(self._entries)

    def ledger_summary(self) -> dict[str, float]:
        """Totals per kind: deposit, fee, funding, rollover, realized_pnl, liquidation_penalty."""
        return ledger_summary(self._entries)

    def summary(self) -> str:
        """Plain text: wallet, equity, each position and where the money went."""
        lines = [f"wallet {self._balance:,.2f}; equity {self.equity:,.2f}"]
        for p in self.positions.values():
            liq = "none" if p.liquidation_price is None else f"{p.liquidation_price:,.2f}"
            lines.append(f"{p.symbol}: {p.margin_mode} {p.side} {p.size:g} @ {p.entry_price:,.2f}, mark "
                         f"{p.mark_price:,.2f}, uPnL {p.unrealized_pnl:+,.2f}, liquidation {liq}")
        return "\n".join([*lines, money_trail(self._entries)])

    def liquidation_price(self, symbol: str) -> float | None:
        """Mark price of ``symbol`` at which ``update()`` liquidates it, the other marks fixed.

        REFERENCE.md §1 with M = the isolated collateral, or for cross the wallet − Σ other cross
        requirements + Σ other cross uPnL (Binance TMM₁, UPNL₁), and the account's ``fee_rate``
        counted in the requirement. None when no positive price can. When a cross position's M is
        already <= 0 the pool is under water: the current mark.

        A 10x long of 1 BTC at 20,000 with 2,000 collateral, 0.5 % maintenance at the mark and a
        0.05 % taker fee liquidates at (20,000 − 2,000) / (1 − 0.0055) (lesson 03):

        >>> fees = Account(10_000, fee_rate=0.0005)
        >>> _ = fees.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=2_000, maintenance=0.005)
        >>> round(fees.liquidation_price("BTCUSDT"), 2)
        18099.55

        Examples
        --------
        BitMEX cross (REFERENCE.md §1): wallet 10,000, long 20 ETH at 1,000, 1 % on the entry value:

        >>> acct = Account(10_000, venue=replace(generic_venue(), basis=Basis.ENTRY))
        >>> _ = acct.open_cross("ETHUSD", "long", 20, 1_000, maintenance=0.01, leverage=50)
        >>> acct.liquidation_price("ETHUSD"), acct.bankruptcy_price("ETHUSD")
        (510.0, 500.0)
        """
        return orders.liquidation_price(self._book(), orders.holding(self._book(), symbol))

    def bankruptcy_price(self, symbol: str) -> float | None:
        """Mark price at which the equity backing ``symbol`` is 0: EP − s·M/Q (REFERENCE.md §1)."""
        return orders.bankruptcy_price(self._book(), orders.holding(self._book(), symbol))

    def max_removable(self, symbol: str) -> float:
        """The most ``remove_margin`` accepts: the collateral stays >= 0, >= the initial margin
        Q·EP/L plus any unrealised loss (when a leverage was chosen), and the margin level stays
        >= the venue's warning level."""
        return orders.max_removable(self._book(), orders.isolated(self._book(), symbol, "remove_margin"))

    # ---- commands ---------------------------------------------------------------------------

    def deposit(self, amount: float) -> None:
        """Add ``amount`` (quote currency, > 0) to the wallet: a counted ledger entry."""
        amount = require_positive("amount", amount)
        self._commit(orders.Change(self._balance + amount, self._positions,
                                   (LedgerEntry("deposit", "", amount, "deposit", self._step),)))

    def open_isolated(self, symbol: str, side: str | Side, size: float, entry_price: float, collateral: float,
                      maintenance: float | MaintenanceSchedule | None, leverage: float | None = None) -> Position:
        """Open an isolated position backed by ``collateral`` moved out of the wallet.

        Parameters
        ----------
        symbol : str
            A symbol not already open.
        side : "long" or "short"
        size : float
            Base units, > 0.
        entry_price : float
            Quote per base unit, > 0; also the opening mark.
        collateral : float
            Quote currency, > 0. With the fees, at most :attr:`free_balance`; at least
            size·entry_price/leverage, or without a leverage size·entry_price over the venue's
            maximum leverage (or its bracket's, if lower).
        maintenance : float, MaintenanceSchedule or None
            A rate (fraction) or a tiered schedule; None for the venue's own. The requirement at
            entry, maintenance plus the closing fee, must stay below the collateral, else the
            position would open at or past its own liquidation price (refused, naming
            ``collateral``, with a hint at a percent typed as a fraction).
        leverage : float, optional
            In (0, venue.max_leverage], and at most the maximum of the bracket the notional falls
            in when the schedule's brackets carry one (Binance lowers it as the notional grows);
            without a leverage, the implied one, size·entry_price/collateral, obeys the same.

        Returns
        -------
        Position
            The snapshot just opened. Fees: (fee_rate + venue.opening_fee_rate) × notional.

        Raises
        ------
        ValueError, TypeError
            Naming the argument, the value and the rule; the account is left unchanged.
        """
        change = orders.open_position(self._book(), MarginMode.ISOLATED, symbol, side, size, entry_price,
                                      maintenance, leverage, collateral, self._opened + 1)
        self._opened += 1
        return self._commit(change)

    def open_cross(self, symbol: str, side: str | Side, size: float, entry_price: float,
                   maintenance: float | MaintenanceSchedule | None, leverage: float | None = None) -> Position:
        """Open a cross position: it shares the wallet with every other cross position.

        With a ``leverage`` in (0, venue.max_leverage], the free margin (balance + Σ cross uPnL −
        Σ cross initial margins; a cross position without leverage counts notional over the
        venue's maximum leverage, or its bracket's if lower)
        must cover notional/leverage + fees, and the rate must be below 1/leverage. With or
        without one, the pool must stay above maintenance after the fees. The leverage only gates
        opening: it never moves the liquidation price (REFERENCE.md §4). Other parameters,
        returns and errors as :meth:`open_isolated`.
        """
        change = orders.open_position(self._book(), MarginMode.CROSS, symbol, side, size, entry_price,
                                      maintenance, leverage, None, self._opened + 1)
        self._opened += 1
        return self._commit(change)

    def add_margin(self, symbol: str, amount: float) -> Position:
        """Move ``amount`` (> 0, at most :attr:`free_balance`) from the wallet into an isolated
        position's collateral. Cross positions share the wallet: refused.

        The position returned reports the leverage its collateral now carries, Q·EP / collateral
        at the entry value, and that collateral as its initial margin:

        >>> acct = Account(10_000)
        >>> _ = acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
        >>> p = acct.add_margin("BTCUSDT", 2_000)
        >>> p.leverage, p.initial_margin, round(p.liquidation_price, 2)
        (5.0, 4000.0, 16080.4)
        """
        return self._commit(orders.move_margin(self._book(), symbol, amount, self.free_balance, into=True))

    def remove_margin(self, symbol: str, amount: float) -> Position:
        """Move ``amount`` (> 0, at most :meth:`max_removable`) of an isolated position's
        collateral back to the wallet. Cross positions share the wallet: refused. The position
        returned reports its new leverage and margin, as for :meth:`add_margin`."""
        most = self.max_removable(symbol)
        return self._commit(orders.move_margin(self._book(), symbol, amount, most, into=False))

    def reduce(self, symbol: str, size: float, price: float) -> float:
        """Close ``size`` (<= the open size) of a position at ``price``.

        The wallet receives the realised P&L s·q·(price − EP) and, for an isolated position, the
        share q/Q of its collateral, and pays the taker fee on q·price. Refused, with the account
        unchanged, at a price where the position (isolated) or the cross pool would have negative
        equity ("past the bankruptcy price; call update() to liquidate"), or when the wallet could
        not pay the realised loss and fee.

        Returns
        -------
        float
            The realised P&L, before fees (the fee is its own ledger entry).

        Examples
        --------
        >>> acct = Account(1_000, fee_rate=0.001)
        >>> _ = acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=400, maintenance=0.005)
        >>> acct.reduce("BTCUSDT", 0.5, 20_100), acct.balance, acct.positions["BTCUSDT"].collateral
        (50.0, 819.95, 200.0)
        """
        return self._commit(orders.reduce(self._book(), symbol, size, price))

    def close(self, symbol: str, price: float) -> float:
        """Close the whole position at ``price``; returns the realised P&L before fees (see ``reduce``)."""
        return self.reduce(symbol, orders.holding(self._book(), symbol).size, price)

    def set_marks(self, prices: Mapping[str, float]) -> None:
        """Set mark prices, every one validated (known symbol, finite, > 0) before any changes.

        No liquidation check: :meth:`update` does that."""
        self._positions = self._marked(prices)

    def update(self, prices: Mapping[str, float] | None = None) -> list[Event]:
        """Set the marks (as :meth:`set_marks`), then run the liquidation engine.

        Returns
        -------
        list of Event
            The margin calls and liquidations of this update, also appended to :attr:`events`.
        """
        positions = self._marked({} if prices is None else prices)
        balance, positions, entries, events, warned = engine.run_engine(
            positions, self._balance, self._venue, self._basis, self._pool_warned, self._step + 1, self._fee_rate)
        self._step += 1
        self._events.extend(events)
        self._commit(orders.Change(balance, positions, tuple(entries)))
        self._pool_warned = warned
        return events

    def pay_funding(self, symbol: str, rate: float) -> float:
        """Settle one funding payment, −s·rate·Q·P_mark (longs pay when rate > 0); returns it.

        ``rate`` is a fraction per funding interval in (−1, 1). Isolated: from/to the collateral,
        never more than all of it. Cross: from/to the wallet, never below 0. Call ``update()``
        afterwards to let the engine react."""
        return self._commit(orders.funding(self._book(), symbol, rate))

    def charge_rollover(self, symbol: str | None = None) -> float:
        """Charge one rollover period, venue.rollover_fee_rate × the entry value (Kraken spot: every
        4 hours, support 203053156 and 206161568), on ``symbol`` or on every position; from the
        collateral (isolated) or the wallet (cross), never more than they hold. Returns the total."""
        return self._commit(orders.rollover(self._book(), symbol))

    def switch_mode(self, symbol: str, mode: str | MarginMode, collateral: float | None = None) -> Position:
        """Move an open position to ``mode``, where ``venue.can_switch_open_position`` allows it.

        Isolated -> cross returns the collateral to the wallet (refused if the pool would then be
        under maintenance); cross -> isolated needs ``collateral`` from the free balance, enough
        that the position is not liquidated at once. Refused on venues like Binance (error -4048)."""
        return self._commit(orders.switch(self._book(), symbol, mode, collateral))

    # ---- internals --------------------------------------------------------------------------

    def _book(self) -> orders.Book:
        return orders.Book(self._balance, self._positions, self._venue, self._basis, self._fee_rate, self._step)

    def _commit(self, change: orders.Change):
        self._balance = change.balance
        self._positions = change.positions
        self._entries.extend(change.entries)
        if not any(h.is_cross for h in change.positions.values()):
            self._pool_warned = False
        if isinstance(change.value, engine.Holding):
            return self._snapshot(change.positions[change.value.symbol])
        return change.value

    def _marked(self, prices: object) -> dict[str, engine.Holding]:
        if not isinstance(prices, Mapping):
            raise TypeError(f"prices must be a dict symbol -> mark price, got {prices!r}")
        positions = dict(self._positions)
        for symbol, price in prices.items():
            found = positions.get(symbol) if isinstance(symbol, str) else None
            if found is None:
                found = orders.holding(self._book(), symbol)  # raises, naming the open positions
            positions[symbol] = found.but(mark=require_positive(f"prices[{symbol!r}]", price))
        return positions

    def _watch(self) -> dict[str, tuple[float, float, float | None, float]]:
        """Symbol -> (mark, margin level, liquidation price, collateral): what a replay records at
        every step, the values :attr:`positions` gives, without building the snapshots."""
        book = self._book()
        prices = orders.liquidation_prices(book)
        cross_level = self.cross_margin_level
        return {
            symbol: (found.mark,
                     cross_level if found.is_cross else engine.level(found.collateral + found.pnl(),
                                                                     book.requirement(found)),
                     prices[symbol], found.collateral)
            for symbol, found in self._positions.items()
        }

    def _snapshot(self, found: engine.Holding, cross_level: float | None = None) -> Position:
        pnl = found.pnl()
        book = self._book()
        requirement = found.maintenance(self._basis)
        if found.is_cross:
            level = self.cross_margin_level if cross_level is None else cross_level
            leverage, initial = found.leverage, found.initial_margin
        else:
            level = engine.level(found.collateral + pnl, book.requirement(found))
            # what the collateral carries now: add_margin, remove_margin, funding and rollover move it
            leverage = found.size * found.entry_price / found.collateral if found.collateral > 0 else math.inf
            initial = found.collateral
        return Position(
            symbol=found.symbol, side=found.side, size=found.size, entry_price=found.entry_price,
            mark_price=found.mark, margin_mode=found.mode, collateral=found.collateral, leverage=leverage,
            initial_margin=initial, maintenance_margin=requirement,
            maintenance_rate=found.rate(self._basis), unrealized_pnl=pnl,
            liquidation_price=orders.liquidation_price(book, found), margin_level=level,
            opened_at=found.opened_at,
        )
