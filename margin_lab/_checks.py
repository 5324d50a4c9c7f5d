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


def require_fraction(name: str, value: object, hint: str = "a fraction: 0.005 = 0.5 %") -> float:
    """A rate in [0, 1) written as a fraction, never a percentage."""
    number = _finite_or_raise(name, value, "in [0, 1)", hint)
    if not 0 <= number < 1:
        raise ValueError(f"{name} must be in [0, 1) as a fraction (0.005 = 0.5 %), got {value!r}")
    return number


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
