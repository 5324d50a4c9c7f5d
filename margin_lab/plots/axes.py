"""Axis habits every figure shares: a left-aligned title and labelled axes, prices and amounts
with thousands separators, the legend to the right of the axes (matplotlib's own legend).
Drawing only."""

from __future__ import annotations

from typing import Any

__all__ = ["legend_outside", "thousands", "titled"]


def thousands(ax: Any, *axes: str) -> None:
    """About five ticks on each named axis (``"x"``, ``"y"``), labelled with thousands separators.

    >>> from margin_lab.plots._style import new_figure
    >>> fig, ax = new_figure()
    >>> _ = ax.set(ylim=(0, 12_000))
    >>> thousands(ax, "y")
    >>> ax.yaxis.get_major_formatter().format_ticks([0, 10_000])
    ['0', '10,000']
    """
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    for name in axes:
        if name not in ("x", "y"):
            raise ValueError(f"axes must name 'x' or 'y', got {name!r}")
        axis = ax.xaxis if name == "x" else ax.yaxis
        axis.set_major_locator(MaxNLocator(nbins=5))
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def legend_outside(ax: Any, **options: Any) -> Any:
    """matplotlib's legend of ``ax``, to the right of the axes, vertically centred.

    >>> from margin_lab.plots._style import new_figure
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1], label="Price")
    >>> [t.get_text() for t in legend_outside(ax).get_texts()]
    ['Price']
    """
    return ax.legend(**{"loc": "center left", "bbox_to_anchor": (1.01, 0.5), "borderaxespad": 0.0, **options})


def titled(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    """The title, left-aligned over the axes, and both axis labels (with their units).

    >>> from margin_lab.plots._style import new_figure
    >>> fig, ax = new_figure()
    >>> titled(ax, "Equity", "Mark price (USDT per BTC)", "Equity (USDT)")
    >>> ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()
    ('Equity', 'Mark price (USDT per BTC)', 'Equity (USDT)')
    """
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
