"""Axis habits every figure shares: prices and amounts with thousands separators, the legend
to the right of the axes. Drawing only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._legends import legend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["legend_outside", "thousands"]


def thousands(ax: "Axes", *axes: str) -> None:
    """At most about five ticks on each named axis ("x", "y"), labelled like 20,000."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    for name in axes:
        axis = getattr(ax, f"{name}axis")
        axis.set_major_locator(MaxNLocator(nbins=5))
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def legend_outside(ax: "Axes") -> None:
    """The house legend, centred on the right edge outside the axes."""
    legend(ax, loc="center left", bbox_to_anchor=(1.01, 0.5), borderaxespad=0.0)
