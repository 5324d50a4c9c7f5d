"""Draw step of the lesson 5 figures: cross margin against isolated margin.

``draw_<thing>(ax, result)`` functions for the frozen results of
:mod:`margin_lab.studies.cross` and :mod:`margin_lab.studies.cross_prices`: no finance, no
pyplot, no global settings; titles and axis labels with units, a label on every line, Okabe-Ito
colours with a line style or marker per role. Used by :func:`margin_lab.widgets.cross_explorer`
and, for static figures, through :func:`plot_cross_vs_isolated` and :func:`margin_lab.plots.show`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..model import MarginMode
from ..text import number, price
from ._style import fixed_ticks, line_style, round_up, show
from .axes import legend_outside, thousands, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.cross import CrossVsIsolated, ModeTrack
    from ..studies.cross_prices import LeverageSettings

__all__ = ["draw_cross_vs_isolated", "plot_cross_vs_isolated", "draw_leverage_settings"]


def _panel(ax: "Axes", track: "ModeTrack", quote: str) -> None:
    isolated = track.mode is MarginMode.ISOLATED
    ax.plot(track.times, track.equity, label="Account equity", **line_style("equity"))
    ax.axhline(track.start_value, label=f"Start {number(track.start_value, 0)}", **line_style("entry"))
    floor = (f"Never at risk {number(track.floor, 0)}" if isolated else "Floor 0: the whole wallet is at risk")
    ax.axhline(track.floor, label=floor, **line_style("bankruptcy"))
    for marker in track.markers:
        role = "event" if marker.kind == "liquidation" else "mark"
        ax.plot([marker.time], [marker.equity], label=marker.label, **line_style(role))
    verb = "lost" if track.loss >= 0 else "gained"
    name = "All isolated" if isolated else "All cross"
    ax.set_title(f"{name}: {verb} {number(abs(track.loss), 0)} {quote}", loc="left")
    ax.set_xlabel("Time (days)")
    ax.set_xlim(track.times[0], track.times[-1])
    ax.legend(loc="best", fontsize=7.5)


def draw_cross_vs_isolated(axes: Any, result: "CrossVsIsolated") -> None:
    """Two panels side by side, all isolated (left) and all cross (right): account equity per
    day, the start value, the equity no price can take, and a marker at every liquidation and
    margin call. The panels share the equity axis (lesson 5).

    Examples
    --------
    >>> from margin_lab import cross_vs_isolated
    >>> from margin_lab.plots import render
    >>> info = render(draw_cross_vs_isolated, cross_vs_isolated("two_longs", "crash"), ncols=2).info
    >>> [axes.title for axes in info.axes]
    ['All isolated: lost 4,000 USDT', 'All cross: lost 10,000 USDT']
    >>> info.axes[1].line("Day 10").label
    'Day 10: BTC, ETH liquidated (lost 10,000.00)'
    """
    left, right = axes
    for ax, track in ((left, result.isolated), (right, result.cross)):
        _panel(ax, track, result.quote)
    right.sharey(left)
    right.tick_params(labelleft=False)
    values = [v for track in result.tracks for v in (*track.equity, track.floor, track.start_value)]
    # Limits on a ladder of round numbers, from just below 0 (the cross floor): the axis stays
    # put while the sliders move the equity within a step (the explorer then reuses its frame).
    top = round_up(max(max(values), 1.0) * 1.04)
    low = min(values)
    left.set_ylim(-round_up(-low * 1.04) if low < -0.08 * top else -0.08 * top, top)
    left.set_ylabel(f"Account equity ({result.quote})")
    thousands(left, "y")
    left.figure.suptitle(f"{result.scenario.capitalize()}: {result.label} at {result.leverage:g}x, "
                         f"{number(result.margin, 0)} {result.quote} margin each", fontsize=10)


def plot_cross_vs_isolated(result: "CrossVsIsolated") -> None:
    """Show :func:`draw_cross_vs_isolated` as a PNG in a lesson cell and print the summary."""
    show(draw_cross_vs_isolated, result, ncols=2)


def draw_leverage_settings(ax: "Axes", result: "LeverageSettings") -> None:
    """The liquidation price at each leverage setting, cross (flat) and isolated with the
    initial margin as collateral (moving toward the entry), with the entry price (lesson 5).

    Examples
    --------
    >>> from margin_lab import leverage_settings
    >>> from margin_lab.plots import render
    >>> info = render(draw_leverage_settings, leverage_settings(leverages=(5, 10))).info
    >>> [round(y, 2) for y in info.line("Cross").y]
    [10050.25, 10050.25]
    """
    r, q = result, result.quote
    levels = list(r.leverages)
    ax.plot(levels, [math.nan if p is None else p for p in r.cross], label="Cross (wallet backs it)", **line_style("price"), marker="o")
    ax.plot(levels, [math.nan if p is None else p for p in r.isolated], label="Isolated (initial margin as collateral)",
            **line_style("liquidation"), marker="s")
    ax.axhline(r.entry_price, label=f"Entry {price(r.entry_price)}", **line_style("entry"))
    ax.set_xscale("log")
    fixed_ticks(ax.xaxis, levels, [f"{lev:g}x" for lev in levels])
    ax.minorticks_off()
    titled(ax, f"{r.side.value.capitalize()} liquidation price vs the leverage setting "
           f"({number(r.balance, 0)} {q} wallet)",
           "Leverage setting (log scale)", f"Liquidation price ({q} per {r.base})")
    thousands(ax, "y")
    legend_outside(ax)
