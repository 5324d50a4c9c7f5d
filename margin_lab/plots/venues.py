"""Draw step of the lesson 7 figure: one position on every venue preset, side by side.

:func:`draw_venue_comparison` draws a :class:`~margin_lab.studies.venues.VenueComparison`
on one matplotlib axes: no finance, no pyplot, no global settings. Use it through
:func:`margin_lab.plots.show` in a lesson cell or through
:func:`margin_lab.widgets.venue_explorer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..studies.venues import venue_label
from ..text import number, percent, price, quantity
from ._style import add_bars, fill_style, fixed_ticks, label_bars, line_style, round_up
from .axes import titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.venues import VenueComparison

__all__ = ["draw_venue_comparison"]

_LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5}


def draw_venue_comparison(ax: "Axes", comparison: "VenueComparison") -> None:
    """Per venue, the price move the position survives before liquidation (a bar labelled with
    the liquidation price) and the maintenance cushion between liquidation and bankruptcy; the
    bankruptcy move (the collateral gone, 1/leverage) as a vertical line. A venue that does not
    take the position shows why; a selected venue is drawn in its own colour (lesson 7).

    Examples
    --------
    >>> from margin_lab import venue_comparison
    >>> from margin_lab.plots import render
    >>> info = render(draw_venue_comparison, venue_comparison("long", leverage=50)).info
    >>> info.title
    'Long 1 BTC at 20,000, 50x: how far each venue lets the price fall'
    >>> [round(v, 2) for v in info.bar("Move before liquidation").values]  # Kraken spot, Hyperliquid: not at 50x
    [1.01, 1.61, 1.5, 1.0]
    """
    c, move = comparison, "fall" if comparison.side.value == "long" else "rise"
    names = [venue_label(r.key) for r in c.rows]
    offered = [(i, r) for i, r in enumerate(c.rows) if r.offered]
    chosen = [(i, r) for i, r in offered if r.key == c.selected]
    plain = [(i, r) for i, r in offered if r.key != c.selected]
    bankrupt = 100 * c.bankruptcy_distance
    ax.set_autoscale_on(False)  # both limits are set below
    for label, items, role in ((f"Move before liquidation ({move})", plain, "loss"),
                               (f"Selected: {names[chosen[0][0]]}" if chosen else "", chosen, "at_risk")):
        if not items:
            continue
        moves = [100 * r.liquidation_distance for _, r in items]
        bars = add_bars(ax, [i for i, _ in items], moves, width=0.6, horizontal=True, label=label, **fill_style(role))
        label_bars(ax, bars, [price(r.liquidation_price) for _, r in items], center=True, bbox=_LABEL_BOX,
                   fontsize=8)
    if offered:
        add_bars(ax, [i for i, _ in offered], [bankrupt - 100 * r.liquidation_distance for _, r in offered],
                 start=[100 * r.liquidation_distance for _, r in offered], width=0.6, horizontal=True,
                 label="Cushion left at liquidation", **fill_style("cushion"))
    for i, r in enumerate(c.rows):
        if not r.offered:
            ax.text(bankrupt * 0.02, i, f"not offered: {r.reason}", va="center", fontsize=8, wrap=True)
    fixed_ticks(ax.yaxis, range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.axvline(bankrupt, label=f"Bankruptcy, collateral gone ({percent(c.bankruptcy_distance)})",
               **line_style("bankruptcy"))
    ax.set_xlim(0, round_up(bankrupt * 1.08))
    ax.grid(axis="y", visible=False)
    side = c.side.value.capitalize()
    titled(ax, f"{side} {quantity(c.size)} {c.base} at {number(c.entry_price, 0)}, {c.leverage:g}x: "
           f"how far each venue lets the price {move}",
           f"Price {move} from the entry before liquidation (%)", "Venue preset")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, borderaxespad=0.0)
