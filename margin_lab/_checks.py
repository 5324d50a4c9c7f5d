"""The one validation toolkit: every public entry point checks its input through these helpers.

Each helper returns the cleaned value (a plain ``float`` or an enum member) or raises a
``TypeError`` (wrong type) or ``ValueError`` (wrong value) whose message names the argument,
the value it got and what is allowed::

    size must be a finite number > 0, got nan

Nothing is ever clamped or silently replaced.
"""

from __future__ import annotations

import math
import numbers
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def _hint(hint: str) -> str:
    return f" ({hint})" if hint else ""


def require_number(name: str, value: object, hint: str = "") -> float:
    """Return ``value`` as a finite float, refusing bools, strings, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}{_hint(hint)}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}{_hint(hint)}")
    return number


def require_positive(name: str, value: object, hint: str = "") -> float:
    """A finite number strictly greater than zero."""
    number = _finite_or_raise(name, value, "> 0", hint)
    if number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}{_hint(hint)}")
    return number


def require_non_negative(name: str, value: object, hint: str = "") -> float:
    """A finite number greater than or equal to zero."""
    number = _finite_or_raise(name, value, ">= 0", hint)
    if number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}{_hint(hint)}")
    return number


def _percent_hint(value: float) -> str:
    """The hint for a number that looks like a percent typed where a fraction belongs."""
    return f": a percent typed as a fraction? {value:g} % is {value / 100:g}"


def require_fraction(name: str, value: object, hint: str = "a fraction: 0.005 = 0.5 %") -> float:
    """A rate in [0, 1) written as a fraction, never a percentage.

    >>> require_fraction("maintenance_rate", 50)
    Traceback (most recent call last):
    ...
    ValueError: maintenance_rate must be in [0, 1) as a fraction (0.005 = 0.5 %), got 50: a percent typed as a fraction? 50 % is 0.5
    """
    number = _finite_or_raise(name, value, "in [0, 1)", hint)
    if not 0 <= number < 1:
        tail = _percent_hint(number) if number >= 1 else ""
        raise ValueError(f"{name} must be in [0, 1) as a fraction (0.005 = 0.5 %), got {value!r}{tail}")
    return number


MAX_FEE_RATE = 0.01
"""The largest trading fee rate accepted (1 %): the venues of REFERENCE.md §2 charge at most
0.4 % (Kraken spot taker), so more is taken for a percent typed as a fraction."""


def require_fee_rate(name: str, value: object) -> float:
    """A trading, opening or rollover fee rate in [0, 1 %] written as a fraction.

    >>> require_fee_rate("fee_rate", 0.0005)
    0.0005
    >>> require_fee_rate("fee_rate", 0.05)
    Traceback (most recent call last):
    ...
    ValueError: fee_rate must be in [0, 0.01] as a fraction (0.0005 = 0.05 %; no venue charges more than 1 %), got 0.05: a percent typed as a fraction? 0.05 % is 0.0005
    """
    number = _finite_or_raise(name, value, f"in [0, {MAX_FEE_RATE:g}]", "a fraction: 0.0005 = 0.05 %")
    if not 0 <= number <= MAX_FEE_RATE:
        tail = _percent_hint(number) if number > 0 else ""
        raise ValueError(f"{name} must be in [0, {MAX_FEE_RATE:g}] as a fraction (0.0005 = 0.05 %; no venue charges "
                         f"more than 1 %), got {value!r}{tail}")
    return number


MAX_MARGIN_LEVEL = 10.0
"""The largest margin-level threshold accepted, as a ratio (10 = 1,000 %): venues trigger calls
and liquidations between 0.4 (Kraken spot, 40 %) and about 1.5 (150 %); a larger number can only
be a percentage."""


def require_margin_level(name: str, value: object) -> float:
    """A margin-level threshold as a ratio in (0, 10] (0.8 = 80 %), never a percentage.

    >>> require_margin_level("threshold", 80)
    Traceback (most recent call last):
    ...
    ValueError: threshold must be in (0, 10] as a margin level ratio (0.8 = 80 %), got 80: a percent typed as a ratio? 80 % is 0.8
    """
    number = _finite_or_raise(name, value, f"in (0, {MAX_MARGIN_LEVEL:g}]", "a ratio: 0.8 = 80 %")
    if not 0 < number <= MAX_MARGIN_LEVEL:
        tail = f": a percent typed as a ratio? {number:g} % is {number / 100:g}" if number > 0 else ""
        raise ValueError(f"{name} must be in (0, {MAX_MARGIN_LEVEL:g}] as a margin level ratio (0.8 = 80 %), "
                         f"got {value!r}{tail}")
    return number


def opens_before_liquidation(
    *,
    collateral: float,
    notional: float,
    maintenance_rate: float,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
) -> bool:
    """The rule of :func:`require_opens_before_liquidation` as a question, for code that shows a
    position as "not possible" instead of refusing it (a venue table row, a wrong-answer guess).

    >>> opens_before_liquidation(collateral=2_000, notional=20_000, maintenance_rate=0.005)
    True
    >>> opens_before_liquidation(collateral=50, notional=20_000, maintenance_rate=0.005)
    False
    """
    requirement = maintenance_rate * notional + fee_rate * notional - maintenance_amount
    return collateral - requirement > 1e-12 * notional  # float slack: 0.09 + 0.01 < 0.1 in binary


def require_opens_before_liquidation(
    *,
    collateral: float,
    notional: float,
    maintenance_rate: float,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
    blame: str = "maintenance_rate",
    leverage: float | None = None,
) -> None:
    """Refuse a position that would open at or past its own liquidation price.

    At entry the equity is the collateral M; the requirement is the maintenance margin plus the
    closing fee, (r + fee)·N − cum with N = size × entry price (the same on the mark and the
    entry basis, REFERENCE.md §1). M must exceed it. With M = N/L this is the rule
    "maintenance_rate + fee_rate < 1/leverage". The message names ``blame``, the argument the
    caller took from the learner (``maintenance_rate``, ``fee_rate``, ``collateral`` or
    ``leverage``), its
    allowed range, and hints at a percent typed as a fraction, the usual cause.

    >>> require_opens_before_liquidation(collateral=2_000, notional=20_000, maintenance_rate=0.005)
    >>> require_opens_before_liquidation(collateral=2_000, notional=20_000, maintenance_rate=0.5, leverage=10)
    Traceback (most recent call last):
    ...
    ValueError: maintenance_rate must be in [0, 0.1) (below the initial margin rate 1/leverage = 0.1 at leverage 10), got 0.5: the position would open at or past its own liquidation price (a percent typed as a fraction? 0.5 % is 0.005)
    """
    if opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=maintenance_rate,
                                maintenance_amount=maintenance_amount, fee_rate=fee_rate):
        return
    requirement = maintenance_rate * notional + fee_rate * notional - maintenance_amount
    initial_rate = collateral / notional
    initial = (f"1/leverage = {initial_rate:.4g} at leverage {leverage:g}" if leverage is not None
               else f"collateral/notional = {initial_rate:.4g}")
    fee = f" minus the closing fee {fee_rate:g}" if fee_rate else ""
    why = "the position would open at or past its own liquidation price"
    rates = (f"maintenance_rate {maintenance_rate:g} and fee_rate {fee_rate:g} are fractions" if fee_rate
             else f"maintenance_rate {maintenance_rate:g} is a fraction")
    if blame == "maintenance_rate":
        limit = initial_rate - fee_rate + maintenance_amount / notional
        raise ValueError(f"maintenance_rate must be in [0, {max(limit, 0.0):.4g}) (below the initial margin rate "
                         f"{initial}{fee}), got {maintenance_rate!r}: {why} (a percent typed as a fraction? "
                         f"{maintenance_rate:g} % is {maintenance_rate / 100:g})")
    if blame == "fee_rate":
        limit = initial_rate - maintenance_rate + maintenance_amount / notional
        raise ValueError(f"fee_rate must be in [0, {max(limit, 0.0):.4g}) (below the initial margin rate {initial} "
                         f"minus maintenance_rate {maintenance_rate:g}), got {fee_rate!r}: {why} (a percent typed "
                         f"as a fraction? {fee_rate:g} % is {fee_rate / 100:g})")
    if blame.startswith("leverage"):  # also an element, "leverages[2]"
        rate = maintenance_rate + fee_rate - maintenance_amount / notional
        most = f"{1 / rate:.4g}" if rate > 0 else "inf"
        plus = " plus the closing fee" if fee_rate else ""
        shown = int(leverage) if float(leverage).is_integer() else leverage
        raise ValueError(f"{blame} must be in (0, {most}) (1/leverage above the maintenance rate{plus}), got "
                         f"{shown!r}: {why} (lower the leverage, or check that {rates}, 0.005 = 0.5 %)")
    shown = int(collateral) if float(collateral).is_integer() else collateral
    raise ValueError(f"{blame} must be > the maintenance margin{' plus closing fee' if fee_rate else ''} at entry "
                     f"{requirement:,.2f}, got {shown!r}: {why} (add collateral, or check that {rates}, "
                     f"0.005 = 0.5 %)")


def require_rate_below_initial(maintenance_rate: float, leverage: float, fee_rate: float = 0.0,
                               blame: str = "maintenance_rate") -> None:
    """The 1/leverage rule, maintenance_rate + fee_rate < 1/leverage: a position opened with
    collateral notional/leverage must not open at or past its liquidation price. The rule of
    :func:`require_opens_before_liquidation` per unit of notional.

    >>> require_rate_below_initial(0.005, 10)
    >>> require_rate_below_initial(0.15, 10)
    Traceback (most recent call last):
    ...
    ValueError: maintenance_rate must be in [0, 0.1) (below the initial margin rate 1/leverage = 0.1 at leverage 10), got 0.15: the position would open at or past its own liquidation price (a percent typed as a fraction? 0.15 % is 0.0015)
    """
    require_opens_before_liquidation(collateral=1.0 / leverage, notional=1.0, maintenance_rate=maintenance_rate,
                                     fee_rate=fee_rate, blame=blame, leverage=leverage)


def require_numbers(**values: object) -> None:
    """Refuse, by argument name, any value that is not a finite real number (one call at the top
    of a widget factory checks all its numeric arguments).

    >>> require_numbers(leverage=10, mark_price=19_000.0)
    >>> require_numbers(leverage="10")
    Traceback (most recent call last):
    ...
    TypeError: leverage must be a real number, got '10' of type str
    """
    for name, value in values.items():
        require_number(name, value)


def require_range(
    name: str,
    value: object,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> float:
    """A finite number inside an interval; the message writes the interval in math notation."""
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    number = _finite_or_raise(name, value, f"in {interval}", hint)
    below = number <= low if low_open else number < low
    above = number >= high if high_open else number > high
    if below or above:
        raise ValueError(f"{name} must be in {interval}{_hint(hint)}, got {value!r}")
    return number


def require_leverage(leverage: object, max_leverage: float, hint: str = "") -> float:
    """Leverage in (0, max_leverage]."""
    return require_range(
        "leverage", leverage, 0.0, max_leverage, low_open=True, hint=hint or "the venue's maximum"
    )


def require_choice(name: str, value: object, choices: type[E]) -> E:
    """One member of a string enum, given as the member or its string value."""
    if isinstance(value, choices):
        return value
    allowed = ", ".join(repr(member.value) for member in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}, got {value!r} of type {type(value).__name__}")
    try:
        return choices(value.strip().lower())
    except ValueError:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}") from None


def require_text(name: str, value: object) -> str:
    """A non-empty string (symbols, labels)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} of type {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def require_count(name: str, value: object, minimum: int = 1) -> int:
    """A whole number >= minimum (path counts, step counts)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _finite_or_raise(name: str, value: object, rule: str, hint: str) -> float:
    if type(value) is float or type(value) is int:  # the common case, without the ABC check
        if math.isfinite(value):
            return float(value)
        raise ValueError(f"{name} must be a finite number {rule}, got {value!r}{_hint(hint)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a finite number {rule}, got {value!r} of type {type(value).__name__}"
            f"{_hint(hint)}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number {rule}, got {value!r}{_hint(hint)}")
    return number


def require_texts(**values: object) -> None:
    """Refuse, by argument name, any value that is not a non-empty string (the string arguments
    of a widget factory, in one call).

    >>> require_texts(side="long", quote="USDT")
    >>> require_texts(side=1)
    Traceback (most recent call last):
    ...
    TypeError: side must be a string, got 1 of type int
    """
    for name, value in values.items():
        require_text(name, value)
