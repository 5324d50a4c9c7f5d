"""Domain values: sides, margin modes, positions, events and venue descriptions.

Everything here is immutable. The only object that changes over time is
:class:`margin_lab.account.Account`, which hands out these values as snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Side(str, Enum):
    """Direction of a position. Direction lives here, never in the sign of the size."""

    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> int:
        """+1 for a long, -1 for a short (the ``s`` of REFERENCE.md §0)."""
        return 1 if self is Side.LONG else -1

    @property
    def opposite(self) -> "Side":
        return Side.SHORT if self is Side.LONG else Side.LONG

    def __str__(self) -> str:
        return self.value


class MarginMode(str, Enum):
    """Isolated: the position has its own collateral. Cross: it shares the wallet."""

    ISOLATED = "isolated"
    CROSS = "cross"

    def __str__(self) -> str:
        return self.value


class Basis(str, Enum):
    """What the maintenance rate is charged on: the value at the mark or at the entry price."""

    MARK = "mark"
    ENTRY = "entry"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Position:
    """A snapshot of one open position, with the field names of CCXT's unified position.

    Amounts are in the quote currency (USD, USDT); prices in quote per base unit; ``size``
    (CCXT's ``contracts``) in base units; rates are fractions.

    ``collateral`` is the margin the position holds of its own: its isolated margin, or 0 for
    a cross position, which shares the wallet. ``liquidation_price`` is ``None`` when no price
    can liquidate it.
    """

    symbol: str
    side: Side
    size: float
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
    def contracts(self) -> float:
        """CCXT's name for the size (one contract = one base unit here)."""
        return self.size

    @property
    def notional(self) -> float:
        """Size times mark price, in quote currency."""
        return self.size * self.mark_price

    @property
    def equity(self) -> float:
        """Own collateral plus unrealised P&L (for a cross position, only its P&L)."""
        return self.collateral + self.unrealized_pnl


@dataclass(frozen=True)
class Event:
    """Something the account did on its own after a price update.

    kind
        ``"margin_call"`` (a warning: margin level fell below the venue's warning level) or
        ``"liquidation"``.
    symbol
        The position concerned. A cross-pool warning or liquidation names each cross position.
    loss
        Quote currency that left the trader for good at this event (0 for a warning): the
        realised loss plus any maintenance cushion forfeited as a penalty.
    """

    kind: str
    symbol: str
    loss: float = 0.0
    price: float = 0.0
    margin_level: float = 0.0
    margin_mode: MarginMode = MarginMode.ISOLATED
    step: int = 0
    detail: str = ""

    def summary(self) -> str:
        """The event in one line to read: its kind, the position, the mark price and the detail.

        >>> Event("margin_call", "BTCUSDT", price=18_120, margin_level=1.3245,
        ...       detail="margin level 132% below the warning level 150%").summary()
        'margin_call on BTCUSDT at a mark of 18,120.00: margin level 132% below the warning level 150%'
        """
        line = f"{self.kind} on {self.symbol} at a mark of {self.price:,.2f}"
        return f"{line}: {self.detail}" if self.detail else line


@dataclass(frozen=True)
class Venue:
    """A venue preset: the rules margin_lab models for one exchange, as data with sources.

    Rates are fractions; ``warning_level`` and levels are ratios of equity to the
    maintenance requirement (1.0 = liquidation threshold). ``cross_liquidation`` is ``"all"``
    (every cross position is closed) or ``"oldest_first"`` (Kraken spot: oldest first, until
    the pool is back above maintenance).

    ``symbol`` is None for a venue's teaching default and names the market (in the venue's own
    notation, ``"BTCUSDT"``) for a per-symbol preset. ``illustrative`` names the fields whose
    values no public venue page gives: margin_lab's teaching values, labelled as such.
    """

    key: str
    name: str
    product: str
    max_leverage: float
    maintenance: Any
    taker_fee_rate: float
    basis: Basis
    default_mode: MarginMode
    isolated_available: bool
    cross_available: bool
    can_switch_open_position: bool
    cushion_forfeited: bool
    warning_level: float
    funding_interval_hours: float | None = None
    opening_fee_rate: float = 0.0
    rollover_fee_rate: float = 0.0
    rollover_interval_hours: float | None = None
    cross_liquidation: str = "all"
    margin_level_convention: str = "equity / maintenance margin"
    sources: tuple[str, ...] = ()
    checked: str = ""
    models: tuple[str, ...] = ()
    leaves_out: tuple[str, ...] = ()
    notes: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    symbol: str | None = None
    illustrative: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """One line: the venue, the market or "teaching default", and the illustrative fields."""
        market = f"market {self.symbol}" if self.symbol else "teaching default (no market named)"
        made_up = f"; illustrative values: {', '.join(self.illustrative)}" if self.illustrative else ""
        return f"{self.name}, {market}: up to {self.max_leverage:g}x{made_up}"
