"""Draw step of the lesson 6 figures: the odds of a liquidation and one book in both modes.

Each function draws a frozen result of :mod:`margin_lab.studies.choice_curve` or
:mod:`margin_lab.studies.choice`: no finance, no
pyplot, no global settings. Probabilities and losses are drawn in percent (of the paths, or of
the capital). Isolated and cross always look the same: sky blue with ``//`` for isolated,
orange with ``..`` for cross (Okabe-Ito colours, a hatch each, so colour is never the only cue).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..text import number, percent
from ._style import PALETTE, add_bars, fixed_ticks, label_bars, line_style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.choice_curve import LiquidationCurve
    from ..studies.choice import ModeChoice, ModeTable

__all__ = ["draw_liquidation_curve", "draw_mode_choice", "draw_mode_table"]

# The two modes as bar fills. ROLES in _style.py names no mode, so they are set here from the
# same palette.
MODE_FILL: dict[str, dict[str, Any]] = {
    "isolated": {"facecolor": PALETTE["sky_blue"], "edgecolor": PALETTE["black"], "hatch": "//"},
    "cross": {"facecolor": PALETTE["orange"], "edgecolor": PALETTE["black"], "hatch": ".."},
}
_CONTINUOUS = {"color": PALETTE["blue"], "linestyle": "-", "linewidth": 2.0}
_DAILY = {"color": PALETTE["vermillion"], "linestyle": "--", "linewidth": 1.8}
_CHECK = {"color": PALETTE["black"], "linestyle": "none", "marker": "s", "markersize": 5}

_SHORT_KIND = {"one_big": "One big long", "independent": "Three unrelated longs",
               "correlated": "Three correlated longs", "hedged": "A hedged pair"}
_TICK_KIND = {"one_big": "One\nbig", "independent": "Three\nunrelated", "correlated": "Three\ncorrelated",
              "hedged": "Hedged\npair"}


def _percent_axis(ax: "Axes", axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    target = getattr(ax, f"{axis}axis")
    target.set_major_locator(MaxNLocator(nbins=5))
    target.set_major_formatter(StrMethodFormatter("{x:,.0f} %"))


def _curve(ax: "Axes", curve: "LiquidationCurve", *, compact: bool = False) -> None:
    ax.set_autoscale_on(False)  # both limits are set below: no autoscaling after every artist
    x = curve.leverages
    ax.plot(x, [100 * p for p in curve.continuous], label="Watched continuously" if compact else
            "Closed form, price watched continuously", **_CONTINUOUS)
    ax.plot(x, [100 * p for p in curve.daily], label="Checked once a day" if compact else
            "Closed form, price checked once a day", **_DAILY)
    if curve.check_leverages:
        low = [100 * (p - 2 * e) for p, e in zip(curve.check_estimates, curve.check_errors)]
        high = [100 * (p + 2 * e) for p, e in zip(curve.check_estimates, curve.check_errors)]
        # vlines, not errorbar: the error bars stay plain lines that figure_info can read.
        ax.vlines(curve.check_leverages, low, high, color=PALETTE["black"], linewidth=1.4)
        ax.plot(curve.check_leverages, [100 * p for p in curve.check_estimates],
                label=f"Monte Carlo, {curve.paths:,} paths (± 2 standard errors)", **_CHECK)
    if curve.marked is not None:
        p = curve.probability(curve.marked)
        ax.plot([curve.marked], [100 * p], label=f"{curve.marked:g}x: {percent(p, 1)}", **line_style("mark"))
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 100)
    ax.set_xlabel("Leverage (x)")
    ax.set_ylabel("Chance of liquidation (%)")
    _percent_axis(ax)


def draw_liquidation_curve(ax: "Axes", curve: "LiquidationCurve") -> None:
    """Chance that one isolated position is liquidated, against its leverage: the closed form
    watched continuously and checked daily, Monte Carlo checks with ± 2 standard errors.

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.choice_curve import liquidation_curve
    >>> info = render(draw_liquidation_curve, liquidation_curve(check_leverages=(5,), paths=500)).info
    >>> info.title, info.xlabel, info.ylabel
    ('Chance that a long is liquidated within 30 days (60 % volatility a year)', 'Leverage (x)', 'Chance of liquidation (%)')
    >>> round(info.line("Closed form, price watched continuously").y[0], 6)
    0.0
    """
    _curve(ax, curve)
    ax.set_title(f"Chance that a {curve.side.value} is liquidated within {curve.days:g} days "
                 f"({percent(curve.annual_volatility, 0)} volatility a year)", loc="left")
    ax.legend(loc="lower right")


def _grouped(ax: "Axes", labels: list[str], isolated: list[float], cross: list[float], *,
             with_legend: bool, decimals: int = 0) -> None:
    ax.set_autoscale_on(False)  # the callers set the y-limits, the x-limits are set here
    positions = range(len(labels))
    width = 0.38
    ax.set_xlim(-0.6, len(labels) - 0.4)
    for name, values, shift in (("isolated", isolated, -width / 2), ("cross", cross, width / 2)):
        bars = add_bars(ax, [i + shift for i in positions], values, width=width, label=name.capitalize(),
                        **MODE_FILL[name])
        label_bars(ax, bars, [number(v, decimals) for v in values], fontsize=7.5, padding=1.5)
    fixed_ticks(ax.xaxis, positions, labels, fontsize=8.5)
    ax.axhline(0.0, **line_style("zero"))
    ax.grid(axis="x", visible=False)
    _percent_axis(ax)
    if with_legend:
        ax.legend(loc="upper center", ncols=2)


_MEASURES = (
    ("A liquidation", "liquidation_probability", "Share of paths (%)"),
    ("Everything lost", "total_loss_probability", "Share of paths (%)"),
    ("Expected loss", "expected_loss_fraction", "Loss (% of capital)"),
    ("Average loss, worst 5 % of paths", "expected_shortfall_95_fraction", "Loss (% of capital)"),
)


def draw_mode_table(axes: Any, table: "ModeTable") -> None:
    """Four panels (a 2 × 2 grid), each book isolated next to cross: how often a liquidation,
    how often everything is lost, the expected loss, and the average loss in the worst 5 %.

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.choice import mode_table
    >>> info = render(draw_mode_table, mode_table(("one_big", "hedged"), n_paths=500), nrows=2, ncols=2).info
    >>> [ax.title for ax in info.axes][:2]
    ['A liquidation (5x, 60 % volatility, 30 days)', 'Everything lost']
    >>> info.axes[0].bar("Cross").values[1]  # the hedged pair, in one cross pool
    0.0
    """
    labels = [_TICK_KIND[k] for k in table.kinds]
    for i, (ax, (title, name, ylabel)) in enumerate(zip(axes.flat, _MEASURES)):
        values = {mode: [100 * getattr(getattr(c, mode), name) for c in table.comparisons]
                  for mode in ("isolated", "cross")}
        signed = name == "expected_loss_fraction"
        top = max(max(values["isolated"]), max(values["cross"]), 1.0)
        _grouped(ax, labels, values["isolated"], values["cross"], with_legend=i == 0, decimals=1 if top < 30 else 0)
        bottom = min(min(values["isolated"]), min(values["cross"]), 0.0)
        # Head room for the bar labels, and for the legend in the first panel.
        ax.set_ylim(bottom * 1.3 - (1 if signed else 0), top * (1.4 if i == 0 else 1.15) + (1 if signed else 0))
        settings = (f" ({table.leverage:g}x, {percent(table.annual_volatility, 0)} volatility, "
                    f"{table.days:g} days)") if i == 0 else ""
        ax.set_title(title + settings, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Book")


def draw_mode_choice(axes: Any, choice: "ModeChoice") -> None:
    """Two panels: the closed-form curve for one isolated position with the chosen leverage
    marked, and the book's risk isolated next to cross (the mode chooser, lesson 6).

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.choice import mode_choice
    >>> info = render(draw_mode_choice, mode_choice("one_big", n_paths=500), ncols=2).info
    >>> info.axes[1].bar("Isolated").values == info.axes[1].bar("Cross").values
    True
    """
    left, right = axes.flat
    _curve(left, choice.curve, compact=True)
    left.set_title(f"One isolated long, {choice.days:g} days", loc="left")
    left.legend(loc="lower right", fontsize=7.5)
    c = choice.comparison
    labels = ["Liquid-\nation", "All\nlost", "Exp.\nloss", "ES\n95 %", "ES\n99 %"]
    names = ("liquidation_probability", "total_loss_probability", "expected_loss_fraction",
             "expected_shortfall_95_fraction", "expected_shortfall_99_fraction")
    isolated = [100 * getattr(c.isolated, n) for n in names]
    cross = [100 * getattr(c.cross, n) for n in names]
    _grouped(right, labels, isolated, cross, with_legend=True)
    from matplotlib.ticker import FixedLocator

    # Room below zero for a gain's bar and its label, in whole steps of 10 % so the axes stay put.
    right.set_ylim(-10 * math.ceil((-min(min(isolated), min(cross), 0.0) * 1.3 + 2) / 10), 128)
    right.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))  # nothing above 100 % to mark
    right.set_title(f"{_SHORT_KIND[choice.kind]}, {choice.leverage:g}x", loc="left")
    right.set_ylabel("% of paths or of capital")
    right.set_xlabel("Measure")
