"""Number formatting shared by figure labels, summaries and exercise feedback.

Rates are fractions everywhere in margin_lab; they become percentages only here, when written
for a reader (``percent(0.005)`` is ``'0.5 %'``). Nothing here computes finance.
"""

from __future__ import annotations

from .model import Side

__all__ = ["amount", "price", "percent", "signed_amount", "number", "quantity", "chance", "duration", "adverse_move"]


def number(value: float, decimals: int = 2) -> str:
    """Thousands separators and at most ``decimals`` decimals, trailing zeros kept.

    >>> number(18090.4522), number(20_000, 0)
    ('18,090.45', '20,000')
    """
    if round(value, decimals) == 0:
        value = 0.0  # no "-0.00"
    return f"{value:,.{decimals}f}"


def amount(value: float, quote: str = "USDT") -> str:
    """An amount of money: ``'2,000.00 USDT'``.

    >>> amount(2_000)
    '2,000.00 USDT'
    """
    return f"{number(value)} {quote}"


def signed_amount(value: float, quote: str = "USDT") -> str:
    """A gain or loss with its sign: ``'+500.00 USDT'`` or ``'-1,000.00 USDT'``.

    >>> signed_amount(-1_000), signed_amount(500)
    ('-1,000.00 USDT', '+500.00 USDT')
    """
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{sign}{number(abs(value))} {quote}"


def price(value: float | None) -> str:
    """A price with two decimals, or ``'none'`` when no price exists (Binance shows "--").

    >>> price(18090.452), price(None)
    ('18,090.45', 'none')
    """
    return "none" if value is None else number(value)


def percent(fraction: float, decimals: int = 2) -> str:
    """A fraction written as a percentage, trailing zeros dropped: 0.005 -> ``'0.5 %'``.

    >>> percent(0.005), percent(0.0452261), percent(0.1, 0)
    ('0.5 %', '4.52 %', '10 %')
    """
    text = number(fraction * 100, decimals).replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def quantity(size: float) -> str:
    """A position size in base units, without trailing zeros.

    >>> quantity(1.0), quantity(3683.979)
    ('1', '3,683.979')
    """
    return f"{size:,.8f}".rstrip("0").rstrip(".")


def chance(probability: float) -> str:
    """A probability as a percentage with one decimal, never rounded to a false 0 % or 100 %.

    >>> chance(0.2279), chance(0.0001), chance(0.99999), chance(0.0)
    ('22.8 %', 'under 0.1 %', 'over 99.9 %', '0.0 %')
    """
    if 0.0 < probability < 0.0005:
        return "under 0.1 %"
    if 0.9995 < probability < 1.0:
        return "over 99.9 %"
    return f"{probability * 100:.1f} %"


def duration(seconds: int) -> str:
    """'15-second', or '10-minute' for whole minutes from two minutes up.

    >>> duration(15), duration(600)
    ('15-second', '10-minute')
    """
    return f"{seconds // 60}-minute" if seconds >= 120 and seconds % 60 == 0 else f"{seconds}-second"


def adverse_move(side: Side) -> tuple[str, str]:
    """(the word for a move against ``side``, where its liquidation price lies).

    >>> adverse_move(Side.LONG), adverse_move(Side.SHORT)
    (('fall', 'below'), ('rise', 'above'))
    """
    return ("fall", "below") if side is Side.LONG else ("rise", "above")
