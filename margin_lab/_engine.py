"""Private rules behind :class:`margin_lab.account.Account`: the holding record and the pure
liquidation arithmetic, kept apart so the account module stays about money and commands.

Nothing here validates input or changes state: the Account validates, calls these functions
to compute the whole new state, then commits it.

References
----------
REFERENCE.md §1 (equity M + s·Q·(P − EP) against Q·P·r − cum, or r·Q·EP on the entry basis),
§2 (BitMEX and Bybit: the cushion is lost; Kraken derivatives: the IOC fill leaves the trader the
rest; Kraken spot: oldest first), §3 (a gap can skip the warning).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .ledger import TRANSFER, LedgerEntry
from .margin import _margin_level_kernel, _pnl_kernel
from .model import Basis, Event, MarginMode, Side, Venue
from .tiers import MaintenanceSchedule


@dataclass(frozen=True)
class Holding:
    """The account's own record of one open position (mutable state lives in the Account).

    ``initial_rate`` is the initial margin as a fraction of the entry value: 1/leverage when a
    leverage was chosen, else collateral/notional at opening (isolated) or 1/max_leverage (cross).
    ``warned`` is True once a margin call was emitted and not yet re-armed.
    """

    symbol: str
    side: Side
    size: float
    entry_price: float
    mark: float
    mode: MarginMode
    collateral: float
    leverage: float | None
    schedule: MaintenanceSchedule
    initial_rate: float
    opened_at: int
    warned: bool = False

    def pnl(self, price: float | None = None) -> float:
        """s·Q·(P − EP) at ``price`` (default: the mark)."""
        return float(_pnl_kernel(self.side.sign, self.size, self.entry_price, self.mark if price is None else price))

    def charged_notional(self, basis: Basis, price: float | None = None) -> float:
        """The notional the maintenance rate is charged on: at the mark, or at the entry."""
        if basis is Basis.ENTRY:
            return self.size * self.entry_price
        return self.size * (self.mark if price is None else price)

    def maintenance(self, basis: Basis, price: float | None = None) -> float:
        """MM = notional·r − cum for the tier that notional falls in (REFERENCE.md §0)."""
        return self.schedule.margin(self.charged_notional(basis, price))

    def requirement(self, basis: Basis, fee_rate: float, price: float | None = None) -> float:
        """What the equity must exceed: MM plus the closing fee fee_rate·Q·P at ``price`` (default:
        the mark) when the account charges one (REFERENCE.md §1, Gate; lesson 03)."""
        if not fee_rate:
            return self.maintenance(basis, price)
        return self.maintenance(basis, price) + fee_rate * self.size * (self.mark if price is None else price)

    def rate(self, basis: Basis) -> float:
        return self.schedule.rate(self.charged_notional(basis))

    @property
    def initial_margin(self) -> float:
        return self.size * self.entry_price * self.initial_rate

    @property
    def is_cross(self) -> bool:
        return self.mode is MarginMode.CROSS

    def but(self, **changes: object) -> "Holding":
        """A copy with ``changes`` (field names and values), like ``dataclasses.replace``.

        A Holding runs no checks of its own (the account checks its inputs), so the copy skips
        ``__init__``: an account marks every position at every step of a replay, and
        ``dataclasses.replace`` took a tenth of a capstone stress test.

        >>> from margin_lab.tiers import MaintenanceSchedule
        >>> h = Holding("BTC", Side.LONG, 1.0, 100.0, 100.0, MarginMode.ISOLATED, 10.0, 10.0,
        ...             MaintenanceSchedule.fixed(0.005), 0.1, 0)
        >>> from dataclasses import replace
        >>> h.but(mark=90.0).mark, h.mark, h.but(mark=90.0) == replace(h, mark=90.0)
        (90.0, 100.0, True)
        """
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise TypeError(f"Holding has no field(s) {sorted(unknown)}")
        copy = object.__new__(Holding)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


def level(equity: float, requirement: float) -> float:
    """Equity / maintenance; ±inf when no maintenance is required (liquidation only below 0)."""
    return _margin_level_kernel(equity, requirement)


def pool(holdings, balance: float, basis: Basis, fee_rate: float = 0.0) -> tuple[float, float, float]:
    """Cross pool (equity, requirement, initial margin): wallet + Σ uPnL, Σ (MM + closing fee), Σ IM."""
    cross = [h for h in holdings if h.mode is MarginMode.CROSS]
    equity = balance + math.fsum([h.pnl() for h in cross])
    maintenance = math.fsum([h.requirement(basis, fee_rate) for h in cross])
    initial = math.fsum([h.initial_margin for h in cross])
    return equity, maintenance, initial


@dataclass(frozen=True)
class Closure:
    """How one liquidated position settles, in quote currency.

    ``realized`` is the P&L booked to the trader (losses past the money available are capped),
    ``penalty`` (>= 0) the cushion forfeited, ``insured`` the loss beyond that money, which the
    venue's insurance fund absorbs and the trader's ledger never sees.
    """

    holding: Holding
    realized: float
    penalty: float
    insured: float
    returned: float = 0.0

    @property
    def loss(self) -> float:
        """What left the trader for good: −(realised P&L) + forfeited cushion.

        Negative for a position in profit that a cross liquidation closes with the pool: its gain
        offsets the others' losses, and the events of one liquidation sum to the pool's loss."""
        return self.penalty - self.realized


def isolated_liquidation(holding: Holding, forfeited: bool) -> Closure:
    """Settle an isolated position at its mark: the loss stops at its collateral M.

    Realised P&L = max(uPnL, −M). Cushion forfeited (BitMEX, Bybit, Binance): the rest of the
    equity, max(M + uPnL, 0), is the penalty and nothing returns. Cushion returned (Kraken
    derivatives): the wallet gets max(M + uPnL, 0) back.

    Examples
    --------
    BitMEX isolated example (REFERENCE.md §1): 4 of margin, long 1 at 100, marked at 94:

    >>> from margin_lab.tiers import MaintenanceSchedule
    >>> h = Holding("XBT", Side.LONG, 1.0, 100.0, 94.0, MarginMode.ISOLATED, 4.0, None,
    ...             MaintenanceSchedule.fixed(0.01), 0.04, 0)
    >>> c = isolated_liquidation(h, forfeited=True)
    >>> c.realized, c.penalty, c.insured, c.loss
    (-4.0, 0.0, 2.0, 4.0)
    """
    collateral = holding.collateral
    pnl = holding.pnl()
    realized = max(pnl, -collateral)
    remaining = collateral + realized
    insured = max(-(collateral + pnl), 0.0)
    if forfeited:
        return Closure(holding, realized, remaining, insured, 0.0)
    return Closure(holding, realized, 0.0, insured, remaining)


def cross_liquidation(
    cross: list[Holding], balance: float, basis: Basis, *, oldest_first: bool, forfeited: bool, fee_rate: float = 0.0
) -> tuple[list[Closure], float]:
    """Settle a cross pool under maintenance; returns the closures and the wallet afterwards.

    ``oldest_first`` False ("all"): every cross position closes at its mark. True (Kraken spot
    FIFO): positions close oldest first until the pool is back at or above maintenance and the
    wallet is not negative (the requirement counting the closing fee at ``fee_rate``). Losses past the wallet are capped: the losing positions' realised
    losses shrink in proportion and the excess is the venue's (``insured``). Cushion forfeited:
    "all" forfeits whatever equity remains; oldest-first forfeits each closed position's own
    maintenance margin, as far as the wallet holds it.

    Examples
    --------
    BitMEX cross example (REFERENCE.md §1): wallet 10,000, long 20 at 1,000, marked at 505
    (below the 510 liquidation price, above the 500 bankruptcy price):

    >>> from margin_lab.tiers import MaintenanceSchedule
    >>> h = Holding("ETH", Side.LONG, 20.0, 1_000.0, 505.0, MarginMode.CROSS, 0.0, 50.0,
    ...             MaintenanceSchedule.fixed(0.01), 0.02, 0)
    >>> closures, wallet = cross_liquidation([h], 10_000, Basis.ENTRY, oldest_first=False, forfeited=True)
    >>> closures[0].realized, closures[0].penalty, wallet
    (-9900.0, 100.0, 0.0)
    """
    remaining = list(cross)
    wallet = balance
    rows: list[list] = []
    while remaining:
        if oldest_first and rows:
            equity = wallet + math.fsum(h.pnl() for h in remaining)
            requirement = math.fsum(h.requirement(basis, fee_rate) for h in remaining)
            if wallet >= 0 and level(equity, requirement) >= 1:
                break
        holding = remaining.pop(0)
        pnl = holding.pnl()
        wallet += pnl
        penalty = 0.0
        if forfeited and oldest_first:
            penalty = min(holding.maintenance(basis), max(wallet, 0.0))
            wallet -= penalty
        rows.append([holding, pnl, penalty, 0.0])
    if wallet < 0:
        excess = -wallet
        losses = math.fsum(-row[1] for row in rows if row[1] < 0)
        for row in rows:
            if row[1] < 0:
                share = -row[1] / losses
                row[3] = excess * share
                row[1] += excess * share
        wallet = 0.0
    if forfeited and not oldest_first and wallet > 0:
        weights = [row[0].maintenance(basis) for row in rows]
        total = math.fsum(weights)
        for row, weight in zip(rows, weights):
            row[2] = wallet * (weight / total if total > 0 else 1 / len(rows))
        wallet = 0.0
    return [Closure(h, realized, penalty, insured) for h, realized, penalty, insured in rows], wallet


def _entry(kind: str, symbol: str, amount: float, note: str, step: int) -> LedgerEntry:
    return LedgerEntry(kind, symbol, amount, note, step)


def run_engine(positions: dict, balance: float, venue: Venue, basis: Basis, pool_warned: bool, step: int,
               fee_rate: float = 0.0):
    """One pass of the liquidation engine over freshly marked positions (``Account.update``).

    Isolated positions first, in opening order; then the cross pool. The margin level is equity
    over the requirement, maintenance plus the closing fee at ``fee_rate`` (the account's taker
    fee), so liquidation comes where :func:`margin_lab.margin.liquidation_price` with that
    ``fee_rate`` puts it. Returns the new balance, positions, ledger entries, events and whether
    the pool's margin call is spent.
    """
    positions = dict(positions)
    entries: list[LedgerEntry] = []
    events: list[Event] = []
    warning = venue.warning_level
    for symbol, holding in list(positions.items()):
        if holding.is_cross:
            continue
        equity = holding.collateral + holding.pnl()
        lvl = level(equity, holding.requirement(basis, fee_rate))
        if lvl < 1:
            closure = isolated_liquidation(holding, venue.cushion_forfeited)
            del positions[symbol]
            balance += closure.returned
            note = f"{symbol} collateral released at liquidation"
            entries.append(_entry(TRANSFER, symbol, holding.collateral, note, step))
            entries.extend(_settlement(closure, step))
            events.append(_liquidation_event(closure, lvl, step, f"isolated: lost {closure.loss:,.2f} of "
                                             f"{holding.collateral:,.2f} collateral"))
        elif lvl < warning:
            if not holding.warned:
                events.append(Event("margin_call", symbol, 0.0, holding.mark, lvl, MarginMode.ISOLATED, step,
                                    f"margin level {lvl:.0%} below the warning level {warning:.0%}"))
                positions[symbol] = holding.but(warned=True)
        elif holding.warned:
            positions[symbol] = holding.but(warned=False)
    cross = [h for h in positions.values() if h.is_cross]
    if not cross:
        return balance, positions, entries, events, False
    equity, requirement, _ = pool(cross, balance, basis, fee_rate)
    lvl = level(equity, requirement)
    if lvl < 1:
        closures, balance = cross_liquidation(cross, balance, basis, forfeited=venue.cushion_forfeited,
                                              oldest_first=venue.cross_liquidation == "oldest_first",
                                              fee_rate=fee_rate)
        for closure in closures:
            del positions[closure.holding.symbol]
            entries.extend(_settlement(closure, step))
            events.append(_liquidation_event(closure, lvl, step, f"cross ({venue.cross_liquidation}): pool equity "
                                             f"{equity:,.2f} under maintenance {requirement:,.2f}"))
        equity, requirement, _ = pool(positions.values(), balance, basis, fee_rate)
        return balance, positions, entries, events, level(equity, requirement) < warning
    if lvl >= warning:
        return balance, positions, entries, events, False
    if not pool_warned:
        events.extend(Event("margin_call", h.symbol, 0.0, h.mark, lvl, MarginMode.CROSS, step,
                            f"cross pool margin level {lvl:.0%} below the warning level {warning:.0%}") for h in cross)
    return balance, positions, entries, events, True


def _settlement(closure: Closure, step: int) -> list[LedgerEntry]:
    symbol = closure.holding.symbol
    rows = [_entry("realized_pnl", symbol, closure.realized, f"liquidated at mark {closure.holding.mark:,.2f}", step)]
    if closure.penalty:
        rows.append(_entry("liquidation_penalty", symbol, -closure.penalty, "maintenance cushion forfeited", step))
    return rows


def _liquidation_event(closure: Closure, lvl: float, step: int, detail: str) -> Event:
    holding = closure.holding
    if closure.insured:
        detail += f"; {closure.insured:,.2f} beyond that taken by the venue's insurance fund, not the trader"
    return Event("liquidation", holding.symbol, closure.loss, holding.mark, lvl, holding.mode, step, detail)

