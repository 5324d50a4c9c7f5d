"""The account's book of money movements: every amount that enters, leaves or moves inside it.

An :class:`~margin_lab.account.Account` writes one :class:`LedgerEntry` for each movement. The
*counted* kinds change what the trader owns; a *transfer* only moves money between the wallet
and a position's isolated collateral (net zero), so it is recorded but not counted:

=====================  ==================================================================
kind                   meaning (sign: + money in, − money out)
=====================  ==================================================================
deposit                money the trader put in (the opening balance, later deposits)
fee                    taker fee on opening and closing, Kraken spot's opening fee (−)
funding                perpetual funding paid (−) or received (+)
rollover               Kraken spot's 4-hourly rollover fee on the position cost (−)
realized_pnl           profit (+) or loss (−) realised by a close, reduce or liquidation
liquidation_penalty    maintenance cushion forfeited at liquidation (−)
transfer               wallet ↔ isolated collateral; not counted (amount > 0 either way,
                       the note says which way)
=====================  ==================================================================

Identity the account keeps after every call (tests/test_invariants.py)::

    balance + Σ isolated collateral == ledger_total(entries)
    equity                          == ledger_total(entries) + Σ unrealised P&L

References
----------
REFERENCE.md §3 ("only the isolated amount is at risk ... plus fees; the maintenance cushion is
usually forfeited"; "margin adds rollover/funding/interest costs") and §4 ("fees and funding
don't matter" is a misconception). Taught in the lessons on where the money goes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

__all__ = ["LedgerEntry", "COUNTED_KINDS", "TRANSFER", "ledger_total", "ledger_summary", "money_trail"]

#: The kinds that change what the trader owns, in the order summaries list them.
COUNTED_KINDS: tuple[str, ...] = (
    "deposit",
    "fee",
    "funding",
    "rollover",
    "realized_pnl",
    "liquidation_penalty",
)
#: Internal movement between the wallet and an isolated position's collateral.
TRANSFER = "transfer"

_LABELS = {
    "deposit": "deposits",
    "fee": "trading fees",
    "funding": "funding",
    "rollover": "rollover fees",
    "realized_pnl": "realised profit and loss",
    "liquidation_penalty": "cushion forfeited at liquidation",
}


@dataclass(frozen=True)
class LedgerEntry:
    """One money movement, in quote currency.

    Attributes
    ----------
    kind : str
        One of :data:`COUNTED_KINDS` or ``"transfer"``.
    symbol : str
        The position concerned, or ``""`` for the wallet alone (a deposit).
    amount : float
        Signed for counted kinds (+ in, − out); the moved amount (> 0) for a transfer.
    note : str
        Plain words: "taker fee 0.05 % on 20,000", "wallet -> BTCUSDT collateral".
    step : int
        The account's update counter when the entry was written.
    """

    kind: str
    symbol: str
    amount: float
    note: str = ""
    step: int = 0

    @property
    def counted(self) -> bool:
        """True when the entry changes what the trader owns (everything but a transfer)."""
        return self.kind != TRANSFER


def ledger_total(entries: Iterable[LedgerEntry]) -> float:
    """Sum of the counted entries: what the trader owns, before unrealised P&L.

    Examples
    --------
    A 1,000 deposit, a 10 fee and a 100 transfer into collateral (not counted):

    >>> ledger_total([LedgerEntry("deposit", "", 1_000), LedgerEntry("fee", "BTCUSDT", -10),
    ...               LedgerEntry("transfer", "BTCUSDT", 100, "wallet -> BTCUSDT collateral")])
    990.0
    """
    return math.fsum(entry.amount for entry in entries if entry.counted)


def ledger_summary(entries: Iterable[LedgerEntry]) -> dict[str, float]:
    """Totals per counted kind, every kind present (0.0 when none), in :data:`COUNTED_KINDS` order.

    Examples
    --------
    >>> ledger_summary([LedgerEntry("deposit", "", 1_000), LedgerEntry("fee", "X", -2),
    ...                 LedgerEntry("fee", "X", -3)])["fee"]
    -5.0
    """
    groups: dict[str, list[float]] = {kind: [] for kind in COUNTED_KINDS}
    for entry in entries:
        if entry.counted:
            groups.setdefault(entry.kind, []).append(entry.amount)
    return {kind: math.fsum(amounts) for kind, amounts in groups.items()}


def money_trail(entries: Iterable[LedgerEntry]) -> str:
    """Plain text: where the money came from and where it went, one line per counted kind.

    Examples
    --------
    >>> print(money_trail([LedgerEntry("deposit", "", 1_000), LedgerEntry("fee", "X", -8),
    ...                    LedgerEntry("realized_pnl", "X", -400)]))
    deposits                               +1,000.00
    trading fees                               -8.00
    realised profit and loss                 -400.00
    total                                     592.00
    """
    entries = list(entries)
    lines = [
        f"{_LABELS.get(kind, kind):<34}{amount:>+14,.2f}"
        for kind, amount in ledger_summary(entries).items()
        if amount != 0
    ]
    lines.append(f"{'total':<34}{ledger_total(entries):>14,.2f}")
    return "\n".join(lines)
