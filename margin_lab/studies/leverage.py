"""Compute step of lesson 1's table and figure: one position at several leverages, and the two
opposite ways venues show how close it is to liquidation.

:func:`leverage_table` puts the same position (size, entry, mark) at several leverages side by
side: the leverage sets only the collateral (the initial margin Q·EP / L), so the P&L of a move
is the same in every row while the equity, margin level and liquidation price are not.
:func:`margin_conventions` finds the mark price at which a Binance-style margin ratio shows a
given value (80 % by default) and shows the same position in the OKX-style
convention there. Both only call the formulas of :mod:`margin_lab.margin`; nothing is restated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._checks import require_choice, require_count, require_positive, require_range, require_text
from .._checks import require_rate_below_initial
from ..margin import (
    _pnl_kernel,
    checked_position,
    initial_margin,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_level,
    notional,
    position_equity,
    unrealized_pnl,
)
from ..margin import margin_ratio as _margin_ratio
from ..model import Side
from ..text import amount, number, percent, price, quantity, signed_amount

__all__ = ["LeverageRow", "LeverageTable", "leverage_table", "MarginConventions", "margin_conventions"]


def _ratio_text(ratio: float) -> str:
    return "infinite" if math.isinf(ratio) else percent(ratio)


# ---------------------------------------------------------------------------------------------
# The same position at several leverages.


@dataclass(frozen=True)
class LeverageRow:
    """One leverage of a :class:`LeverageTable`: amounts in quote currency, ratios as fractions."""

    leverage: float
    collateral: float
    unrealized_pnl: float
    equity: float
    maintenance_margin: float
    margin_level: float
    margin_ratio: float
    liquidation_price: float | None

    @property
    def liquidated(self) -> bool:
        """True when equity has fallen to the maintenance margin or below (level <= 100 %)."""
        return self.margin_level <= 1.0


@dataclass(frozen=True, repr=False)
class LeverageTable:
    """One position (``size`` at ``entry_price``, now at ``mark_price``) at several leverages.

    Its repr is a plain-text table followed by :meth:`summary`, so a lesson cell ending with
    the table shows both.
    """

    side: Side
    size: float
    entry_price: float
    mark_price: float
    maintenance_rate: float
    rows: tuple[LeverageRow, ...]
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def notional(self) -> float:
        """The position's value at entry (quote currency): the same in every row."""
        return notional(self.size, self.entry_price)

    @property
    def move(self) -> float:
        """The mark's move from the entry as a fraction (−0.05 for a 5 % fall)."""
        return self.mark_price / self.entry_price - 1.0

    def row(self, leverage: float) -> LeverageRow:
        """The row for ``leverage`` (one of the leverages the table was made with)."""
        for found in self.rows:
            if found.leverage == leverage:
                return found
        raise ValueError(f"leverage must be one of {[r.leverage for r in self.rows]}, got {leverage!r}")

    def table(self) -> str:
        """The rows as a fixed-width text table."""
        header = ("leverage", "collateral", "P&L", "equity", "maint. margin", "margin level",
                  "margin ratio", "liquidation")
        lines = [header]
        for r in self.rows:
            liquidation = price(r.liquidation_price)
            if r.liquidated:
                liquidation += " (passed)"
            lines.append((f"{r.leverage:g}x", number(r.collateral), signed_amount(r.unrealized_pnl, "").strip(),
                          number(r.equity), number(r.maintenance_margin), percent(r.margin_level),
                          _ratio_text(r.margin_ratio), liquidation))
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(line, widths)).rstrip()
                         for line in lines)

    def summary(self) -> str:
        """The table's message in sentences."""
        q, b = self.quote, self.base
        move = "fall" if self.move < 0 else "rise"
        pnl = self.rows[0].unrealized_pnl
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {b} at {price(self.entry_price)} {q} (value "
            f"{amount(self.notional, q)}), mark {price(self.mark_price)} (a {percent(abs(self.move))} {move}), "
            f"{percent(self.maintenance_rate, 3)} maintenance.",
            f"The unrealised P&L is {signed_amount(pnl, q)} at every leverage: leverage sets only the collateral "
            "in front of it.",
        ]
        for r in self.rows:
            if r.liquidated:
                state = (f"equity {amount(r.equity, q)}, not above the maintenance margin "
                         f"{amount(r.maintenance_margin, q)}: the mark has passed the liquidation price "
                         f"{price(r.liquidation_price)}, so a venue would already have closed it")
            else:
                state = f"equity {amount(r.equity, q)}, margin level {percent(r.margin_level)}"
            lines.append(f"{r.leverage:g}x: collateral {amount(r.collateral, q)}; {state}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"{self.table()}\n\n{self.summary()}"


def leverage_table(
    side: str | Side = "long",
    *,
    leverages: Sequence[float] = (2, 5, 10, 20),
    mark_price: float = 19_000,
    entry_price: float = 20_000,
    size: float = 1,
    maintenance_rate: float = 0.005,
    base: str = "BTC",
    quote: str = "USDT",
) -> LeverageTable:
    """The same isolated position at several leverages, each opened with its initial margin.

    Parameters
    ----------
    side : "long" or "short"
    leverages : sequence of float
        One row each, in this order; each > 0 with ``maintenance_rate`` < 1/leverage; at least
        one, no repeats.
    mark_price : float
        The mark price now, quote per base unit, > 0.
    entry_price : float
        Quote per base unit, > 0.
    size : float
        Base units, > 0.
    maintenance_rate : float
        Fraction in (0, 1), charged on the value at the mark.
    base, quote : str
        Currency names for the text.

    Returns
    -------
    LeverageTable

    Notes
    -----
    Collateral M = IM = Q·EP / L; P&L = s·Q·(P − EP); equity = M + P&L; maintenance margin
    MM = r·Q·P; margin level = equity / MM (OKX style); margin ratio = MM / equity
    (Binance style); liquidation price from REFERENCE.md §1 with cum = 0. A row is liquidated
    when its level is at or below 100 %. Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    REFERENCE.md §0 (IM = Q·EP / L), §1, §4 ("Margin ratio 80 % is safe").

    Examples
    --------
    The 10x long of REFERENCE.md (1 BTC at 20,000, 0.5 % maintenance) after a 5 % fall, at 2x
    and 20x:

    >>> t = leverage_table(leverages=[2, 20], mark_price=19_000)
    >>> [(r.collateral, r.unrealized_pnl, r.equity) for r in t.rows]
    [(10000.0, -1000.0, 9000.0), (1000.0, -1000.0, 0.0)]
    >>> t.row(20).liquidated, round(t.row(2).margin_level, 4)  # 9,000 / (0.005 × 19,000)
    (True, 94.7368)
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    mark_price = require_positive("mark_price", mark_price)
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, low_open=True, high_open=True,
                         hint="a fraction, 0.005 = 0.5 %; 0 leaves no margin level to show")
    base, quote = require_text("base", base), require_text("quote", quote)
    if isinstance(leverages, (str, bytes)) or not isinstance(leverages, Sequence):
        raise TypeError(f"leverages must be a list of numbers, e.g. [2, 5, 20], got {leverages!r}")
    checked = [require_positive(f"leverages[{i}]", value) for i, value in enumerate(leverages)]
    require_count("number of leverages", len(checked), minimum=1)
    if len(set(checked)) != len(checked):
        raise ValueError(f"leverages must all be different, got {list(leverages)!r}")
    for value in checked:
        require_rate_below_initial(rate, value)

    pnl = unrealized_pnl(side, size, entry_price, mark_price)
    requirement = maintenance_margin(size, mark_price, rate)
    rows = []
    for value in checked:
        collateral = initial_margin(size, entry_price, value)
        equity = collateral + pnl
        rows.append(LeverageRow(
            leverage=value,
            collateral=collateral,
            unrealized_pnl=pnl,
            equity=equity,
            maintenance_margin=requirement,
            margin_level=margin_level(equity, requirement),
            margin_ratio=_margin_ratio(equity, requirement),
            liquidation_price=liquidation_price(side, entry_price, size, collateral, rate),
        ))
    return LeverageTable(side, size, entry_price, mark_price, rate, tuple(rows), base, quote)


# ---------------------------------------------------------------------------------------------
# Two conventions for one number.


@dataclass(frozen=True)
class MarginConventions:
    """One isolated position at the mark where a Binance-style margin ratio shows ``shown_ratio``.

    ``margin_ratio`` = maintenance / equity (Binance style: rises to 100 % at liquidation);
    ``margin_level`` = equity / maintenance (OKX style: falls to 100 %). Both are
    fractions. ``prices``, ``levels`` and ``ratios`` are the curves the figure draws.
    """

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    maintenance_rate: float
    shown_ratio: float
    mark_price: float
    equity: float
    maintenance_margin: float
    margin_ratio: float
    margin_level: float
    liquidation_price: float
    distance: float
    prices: tuple[float, ...]
    levels: tuple[float, ...]
    ratios: tuple[float, ...]
    base: str = "BTC"
    quote: str = "USDT"

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q, b = self.quote, self.base
        direction = "below" if self.side is Side.LONG else "above"
        return "\n".join([
            f"{self.side.value.capitalize()} {quantity(self.size)} {b} at {price(self.entry_price)} {q}, "
            f"{self.leverage:g}x (collateral {amount(self.collateral, q)}), {percent(self.maintenance_rate, 3)} "
            "maintenance.",
            f"At a mark of {price(self.mark_price)}: equity {amount(self.equity, q)}, maintenance margin "
            f"{amount(self.maintenance_margin, q)}.",
            f"Binance-style margin ratio (maintenance / equity): {percent(self.margin_ratio)}; it rises to 100 % "
            "at liquidation.",
            f"OKX-style margin level (equity / maintenance): {percent(self.margin_level)}; it falls "
            "to 100 % at liquidation.",
            f"Liquidation at {price(self.liquidation_price)}: only {percent(self.distance)} {direction} this mark.",
        ])


def margin_conventions(
    side: str | Side = "long",
    *,
    leverage: float = 10,
    margin_ratio: float = 0.8,
    entry_price: float = 20_000,
    size: float = 1,
    maintenance_rate: float = 0.005,
    points: int = 201,
    base: str = "BTC",
    quote: str = "USDT",
) -> MarginConventions:
    """Where a Binance-style margin ratio shows ``margin_ratio``, and what other venues show there.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        > 1; the collateral is the initial margin Q·EP / L (at 1x a long has no such price).
    margin_ratio : float
        The Binance-style margin ratio (maintenance / equity) to locate, a fraction in
        (maintenance_rate × leverage, 1]: 0.8 for 80 %, 1 at liquidation. The lower bound is
        the ratio at entry: smaller ratios are shown only after a gain.
    entry_price : float
        Quote per base unit, > 0.
    size : float
        Base units, > 0.
    maintenance_rate : float
        Fraction in (0, 1/leverage), charged on the value at the mark.
    points : int
        Points on the curves, >= 2.

    Returns
    -------
    MarginConventions

    Raises
    ------
    ValueError
        When no positive mark price shows that ratio.

    Notes
    -----
    The ratio is r·Q·P / (M + s·Q·(P − EP)); it equals k exactly where equity = (r/k)·Q·P, which
    is the liquidation price of REFERENCE.md §1 computed with the rate r/k. The margin level
    there is 1/k. The curves span the mark prices from the one showing a ratio of 10 (level
    10 %) to the one showing 0.1 (level 1,000 %), or to the entry if that comes first. Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    Binance USDⓈ-M FAQ (margin ratio); OKX help 6997123251341 (liquidation at 100 %);
    REFERENCE.md §4 ("Margin ratio 80 % is safe": venues define it in opposite directions).

    Examples
    --------
    The 10x long of REFERENCE.md (1 BTC at 20,000, 2,000 collateral, 0.5 %):

    >>> c = margin_conventions(leverage=10, margin_ratio=0.8)
    >>> round(c.mark_price, 2), round(c.margin_level, 4), round(c.liquidation_price, 2)
    (18113.21, 1.25, 18090.45)
    >>> round(100 * c.distance, 2)  # percent between that mark and liquidation
    0.13
    """
    side = require_choice("side", side, Side)
    leverage = require_range("leverage", leverage, 1, math.inf, low_open=True,
                             hint="at 1x a long is backed by its whole value")
    entry_price = require_positive("entry_price", entry_price)
    size = require_positive("size", size)
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, low_open=True, high_open=True,
                         hint="a fraction, 0.005 = 0.5 %")
    require_rate_below_initial(rate, leverage)
    at_entry = rate * leverage  # MM / IM when the mark is at the entry
    shown = require_range("margin_ratio", margin_ratio, at_entry, 1, low_open=True,
                          hint=f"a fraction above {at_entry:g}, the ratio at entry: 0.8 for 80 %; 1 is liquidation")
    points = require_count("points", points, minimum=2)
    base, quote = require_text("base", base), require_text("quote", quote)

    collateral = initial_margin(size, entry_price, leverage)
    mark = liquidation_price(side, entry_price, size, collateral, rate / shown)
    if mark is None:
        raise ValueError(f"margin_ratio {shown!r} is shown at no positive price for this position; "
                         "choose a higher leverage or a higher ratio")
    # The curves span ratios 10 to 0.1 (levels 10 % to 1,000 %), or up to the entry when the
    # ratio there is already above 0.1: mirror images around 100 % on a log scale.
    far = liquidation_price(side, entry_price, size, collateral, rate / 10.0)
    # (within float rounding of 0.1 the entry is the near end: the 10x-rate price would sit on it)
    near = entry_price if at_entry >= 0.1 * (1 - 1e-9) else liquidation_price(side, entry_price, size, collateral, rate / 0.1)
    liquidation = liquidation_price(side, entry_price, size, collateral, rate)
    low, high = sorted((far, near))
    prices = np.linspace(low, high, points)
    equities = collateral + _pnl_kernel(side.sign, size, entry_price, prices)
    requirements = [maintenance_margin(size, float(p), rate) for p in prices]
    equity = position_equity(side, size, entry_price, mark, collateral)
    requirement = maintenance_margin(size, mark, rate)
    return MarginConventions(
        side=side,
        entry_price=entry_price,
        size=size,
        leverage=leverage,
        collateral=collateral,
        maintenance_rate=rate,
        shown_ratio=shown,
        mark_price=mark,
        equity=equity,
        maintenance_margin=requirement,
        margin_ratio=_margin_ratio(equity, requirement),
        margin_level=margin_level(equity, requirement),
        liquidation_price=liquidation,
        distance=liquidation_distance(side, mark, liquidation),
        prices=tuple(float(p) for p in prices),
        levels=tuple(float(e / m) for e, m in zip(equities, requirements)),
        ratios=tuple(float(m / e) for e, m in zip(equities, requirements)),
        base=base,
        quote=quote,
    )
