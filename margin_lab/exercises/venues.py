"""Venue rules in a lesson cell: refusals shown as text, and the Kraken spot margin-call check.

A lesson cell must not raise, yet part of what venues teach is what they refuse: Binance will
not move an open position between isolated and cross, Kraken spot margin has no isolated mode.
:func:`attempt` runs an action and returns its outcome, the venue's reason included, as a
value the cell shows::

    attempt(account.switch_mode, "BTCUSDT", "cross")
    # Refused: mode: Binance USDⓈ-M futures does not let an open position change its margin mode ...

:func:`check_margin_call_price` checks the price at which a Kraken spot margin account gets its
margin call (margin level 80 %), with hints for the usual slips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._checks import require_margin_level, require_number, require_positive
from ..margin import checked_position, initial_margin, margin_level_price
from ..model import Position, Side
from ..text import number, percent, price
from .feedback import Feedback, first_hint, judge, no_price, tolerance_or

__all__ = ["Attempt", "attempt", "check_margin_call_price"]


@dataclass(frozen=True, repr=False)
class Attempt:
    """The outcome of an action that a venue may refuse.

    ``accepted`` says whether it went through; ``message`` is the refusal's reason (the
    ``ValueError`` text, which names the rule) or what the action did; ``value`` is what the
    action returned (None when refused). Its repr, and :meth:`summary`, is one line starting
    with "Accepted:" or "Refused:".
    """

    accepted: bool
    message: str
    value: Any = field(default=None, compare=False)

    def summary(self) -> str:
        """The outcome in one line (shown by a "predict, then run" question)."""
        return f"{'Accepted' if self.accepted else 'Refused'}: {self.message}"

    def __repr__(self) -> str:
        return self.summary()

    __str__ = __repr__


def _describe(value: Any) -> str:
    if isinstance(value, Position):
        backing = (f"collateral {number(value.collateral)}" if value.collateral
                   else "backed by the shared wallet")
        return (f"{value.symbol} is now a {value.margin_mode.value} {value.side.value} of {value.size:g} at "
                f"{price(value.entry_price)}, {backing}, liquidation price {price(value.liquidation_price)}")
    if value is None:
        return "done"
    if isinstance(value, float):
        return f"returned {number(value)}"
    return f"returned {value!r}"


def attempt(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Attempt:
    """Call ``action(*args, **kwargs)``; return its outcome instead of raising a refusal.

    Parameters
    ----------
    action : callable
        Usually an :class:`~margin_lab.Account` method: ``account.switch_mode``,
        ``account.open_isolated``, ``account.add_margin``...
    *args, **kwargs
        Passed on to ``action``.

    Returns
    -------
    Attempt
        Accepted, with what the action returned, or refused, with the ``ValueError``'s message
        (margin_lab's refusals name the argument, the value and the venue rule). A refused
        Account call leaves the account exactly as it was.

    Raises
    ------
    TypeError
        If ``action`` is not callable, or for a wrong-type argument (a mistake in the call,
        not a venue's refusal).

    Notes
    -----
    Only ``ValueError`` is turned into a refusal. Taught in lessons/02_isolated_setup.ipynb and
    lessons/07_venues_differ.ipynb.

    References
    ----------
    REFERENCE.md §2 (Binance: the margin type cannot change while a position is open, errors
    −4047/−4048; BitMEX: an open isolated position can move to cross; Kraken spot margin is
    account-wide) and §3.

    Examples
    --------
    >>> from margin_lab import Account, venue
    >>> binance = Account(10_000, venue=venue("binance_usdm"))
    >>> _ = binance.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=4_000, maintenance=None, leverage=5)
    >>> attempt(binance.switch_mode, "BTCUSDT", "cross")  # doctest: +ELLIPSIS
    Refused: mode: Binance USDⓈ-M futures does not let an open position change its margin mode ...
    >>> bitmex = Account(10_000, venue=venue("bitmex"))
    >>> _ = bitmex.open_isolated("XBTUSD", "long", 1, 20_000, collateral=4_000, maintenance=None, leverage=5)
    >>> attempt(bitmex.switch_mode, "XBTUSD", "cross")
    Accepted: XBTUSD is now a cross long of 1 at 20,000.00, backed by the shared wallet, liquidation price 10,200.00
    """
    if not callable(action):
        raise TypeError(f"action must be a function or method to call, got {action!r}")
    try:
        value = action(*args, **kwargs)
    except ValueError as refusal:
        return Attempt(False, str(refusal))
    return Attempt(True, _describe(value), value)


def check_margin_call_price(
    answer: float,
    side: str | Side,
    entry_price: float,
    size: float,
    balance: float,
    leverage: float,
    *,
    threshold: float = 0.8,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the price at which a Kraken spot margin position reaches a margin level (default:
    the 80 % margin call).

    Parameters
    ----------
    answer : float
        The learner's price, quote per base unit (0 for "no such price").
    side : "long" or "short"
    entry_price, size : float
        The position, > 0.
    balance : float
        The account's total balance before the position's P/L, quote currency, > 0: on Kraken
        spot margin the whole account backs every position.
    leverage : float
        In (0, 5] on Kraken spot; the used margin is the position cost / leverage.
    threshold : float
        The margin level as a ratio: 0.8 for the margin call, 0.4 for automatic liquidation.
    tolerance : float, optional
        In quote currency. Default: 0.1 % of the right price.

    Notes
    -----
    Margin level = (balance + P/L) / used margin; see :func:`margin_lab.margin_level_price`.
    Taught in lessons/07_venues_differ.ipynb.

    References
    ----------
    Kraken support 203325763 and 203053116; REFERENCE.md §1 (the margin-call example: long 1 BTC
    at 20,000, 5x, balance 10,000 -> about 13,200) and §2.

    Examples
    --------
    >>> check_margin_call_price(13_200, "long", entry_price=20_000, size=1, balance=10_000, leverage=5).correct
    True
    >>> check_margin_call_price(19_200, "long", 20_000, 1, 10_000, 5)  # doctest: +ELLIPSIS
    Not quite: ... That counts only the used margin (4,000.00) as equity: ...
    """
    answer = require_number("answer", answer, hint="a price, e.g. 13200")
    side, entry_price, size = checked_position(side, entry_price, size)
    balance = require_positive("balance", balance)
    leverage = require_positive("leverage", leverage)
    threshold = require_margin_level("threshold", threshold)
    expected = margin_level_price(side, entry_price, size, balance, leverage, threshold)
    used = initial_margin(size, entry_price, leverage)
    level = f"a margin level of {percent(threshold, 0)}"
    if expected is None:
        statement = f"no positive price brings this {side.value} to {level}; enter 0 for none"
        return no_price(answer, statement, explanation)
    tolerance = tolerance_or(tolerance, 0.001 * expected)
    hints = []
    if threshold != 0.4 and balance / used > 0.4:  # a level above the one at entry has no price
        hints.append((margin_level_price(side, entry_price, size, balance, leverage, 0.4),
                      "That is where the margin level reaches 40 %, the automatic liquidation; the margin call "
                      f"comes first, at {percent(threshold, 0)}."))
    if threshold != 0.8 and balance / used > 0.8:
        hints.append((margin_level_price(side, entry_price, size, balance, leverage, 0.8),
                      "That is the 80 % margin call; this question asks for another level."))
    if threshold < 1:
        hints.append((margin_level_price(side, entry_price, size, used, leverage, threshold),
                      f"That counts only the used margin ({number(used)}) as equity: Kraken spot margin is "
                      f"account-wide, so the whole balance of {number(balance)} backs the position."))
    hint = first_hint(answer, expected, tolerance, hints)
    statement = (f"the {side.value} reaches {level} (equity / used margin, {number(used)} at entry) at "
                 f"{number(expected)}")
    return judge(answer, expected, tolerance, statement, hint, explanation)
