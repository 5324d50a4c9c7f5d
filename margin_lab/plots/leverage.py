"""Draw step of lesson 1's convention figure: margin level and margin ratio of one position.

:func:`draw_margin_conventions` draws a :class:`~margin_lab.studies.leverage.MarginConventions`
on one axes: no finance, no pyplot, no global settings. Use it through
:func:`margin_lab.plots.show` in a lesson cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import percent, price, quantity
from ._style import line_style
from .axes import legend_outside

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.leverage import MarginConventions

__all__ = ["draw_margin_conventions"]


def draw_margin_conventions(ax: "Axes", conventions: "MarginConventions") -> None:
    """The same position's margin level (equity / maintenance) and margin ratio (maintenance /
    equity) against the mark price, on a log scale where they mirror each other around 100 %.

    Marks the mark price where the ratio shows ``shown_ratio`` (both readings there), the
    liquidation price (both cross 100 %) and the entry when it lies inside the price span.

    Examples
    --------
    >>> from margin_lab import margin_conventions
    >>> from margin_lab.plots import render
    >>> info = render(draw_margin_conventions, margin_conventions(leverage=10)).info
    >>> info.title
    'Long 1 BTC at 10x: one position, two ways to show its margin'
    >>> [round(y, 4) for y in info.line("Mark 18,113.21: ratio 80 %, level 125 %").y]
    [0.8, 1.25]
    """
    from matplotlib.ticker import FuncFormatter

    c, q, b = conventions, conventions.quote, conventions.base
    ax.plot(c.prices, c.levels, label="Margin level = equity / maintenance\n(OKX style: falls to 100 %)",
            **line_style("equity"))
    ax.plot(c.prices, c.ratios, label="Margin ratio = maintenance / equity\n(Binance style: rises to 100 %)",
            **line_style("maintenance"))
    ax.axhline(1.0, label="100 %: liquidation in both", **line_style("zero"))
    ax.axvline(c.liquidation_price, label=f"Liquidation {price(c.liquidation_price)}", **line_style("liquidation"))
    if min(c.prices) <= c.entry_price <= max(c.prices):
        ax.axvline(c.entry_price, label=f"Entry {price(c.entry_price)}", **line_style("entry"))
    ax.plot([c.mark_price, c.mark_price], [c.margin_ratio, c.margin_level],
            label=f"Mark {price(c.mark_price)}: ratio {percent(c.margin_ratio, 0)}, level {percent(c.margin_level, 0)}",
            **line_style("mark"))
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: percent(value, 0)))
    ax.set_xlim(c.prices[0], c.prices[-1])
    side = c.side.value.capitalize()
    ax.set_title(f"{side} {quantity(c.size)} {b} at {c.leverage:g}x: one position, two ways to show its margin",
                 loc="left")
    ax.set_xlabel(f"Mark price ({q} per {b})")
    ax.set_ylabel("Ratio (%, log scale)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:,.0f}"))
    legend_outside(ax)
