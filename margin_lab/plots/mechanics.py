"""Draw step of the lesson 3 figures: mark vs last price, fees and funding, maintenance tiers.

Each ``draw_<thing>(ax, result)`` draws a frozen result of :mod:`margin_lab.studies.mark_price`,
:mod:`margin_lab.studies.mechanics` or :mod:`margin_lab.studies.tier_ladder` on one
matplotlib axes: no finance, no pyplot, no global settings. Lines the kit has no role for (the
index, the last price, the cost scenarios, the positions on the tier ladder) take Okabe-Ito
colours with a line style of their own, so colour is never the only cue. Use them through
:func:`margin_lab.plots.show` in a lesson cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..text import duration, number, percent, price, quantity
from ._style import PALETTE, line_style
from .axes import legend_outside, thousands, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.mark_price import MarkVsLast
    from ..studies.mechanics import CostDrift
    from ..studies.tier_ladder import TierLadder

__all__ = ["draw_mark_vs_last", "draw_cost_drift", "draw_tier_ladder"]

#: Lines with no kit role: colour plus a dash pattern (and width) of their own.
_STYLES: dict[str, dict[str, Any]] = {
    "last": {"color": PALETTE["sky_blue"], "linestyle": "-", "linewidth": 1.0},
    "index": {"color": PALETTE["bluish_green"], "linestyle": (0, (1, 1)), "linewidth": 1.6},
    "no_costs": {"color": PALETTE["black"], "linestyle": ":", "linewidth": 1.8},
    "fee": {"color": PALETTE["orange"], "linestyle": "--", "linewidth": 1.8},
    "funding": {"color": PALETTE["vermillion"], "linestyle": "-", "linewidth": 2.0},
    "schedule": {"color": PALETTE["blue"], "linestyle": "-", "linewidth": 2.0},
}
#: One (colour, dash pattern, entry marker) per position on the tier ladder.
_POSITIONS = (
    (PALETTE["orange"], "--", "o"),
    (PALETTE["bluish_green"], "-.", "s"),
    (PALETTE["reddish_purple"], ":", "D"),
    (PALETTE["vermillion"], (0, (5, 1, 1, 1)), "^"),
    (PALETTE["black"], (0, (1, 1)), "v"),
)


def draw_mark_vs_last(ax: "Axes", hour: "MarkVsLast") -> None:
    """The last traded price wicking through the liquidation price while the mark price, which
    triggers liquidation, stays clear of it; the index beneath both (lesson 3).

    Examples
    --------
    >>> from margin_lab import mark_vs_last
    >>> from margin_lab.plots import render
    >>> info = render(draw_mark_vs_last, mark_vs_last("long", leverage=20)).info
    >>> info.title
    'A 15-second wick in the last price; the mark price decides'
    >>> round(info.line("Liquidation").y[0], 2), min(info.line("Last traded price").y)
    (19095.48, 18600.0)
    """
    h, q, b = hour, hour.quote, hour.base
    ax.plot(h.times, h.last, label="Last traded price", **_STYLES["last"])
    ax.plot(h.times, h.mark, label="Mark price (triggers liquidation)", **line_style("price"))
    # The index runs within a few dozen quote units of the mark: drawn on top of it (dotted),
    # or the thicker mark line would hide the line the legend lists.
    ax.plot(h.times, h.index, label="Index (spot venues)", zorder=3, **_STYLES["index"])
    ax.axhline(h.entry_price, label=f"Entry {price(h.entry_price)}", **line_style("entry"))
    if h.liquidation_price is not None:
        ax.axhline(h.liquidation_price, label=f"Liquidation {price(h.liquidation_price)}",
                   **line_style("liquidation"))
    when, last = h.last_extreme
    ax.plot([when], [last], label=f"Wick: last price {price(last)}", **line_style("event"))
    when, mark = h.mark_extreme
    ax.plot([when], [mark], label=f"Mark at its most extreme {price(mark)}", **line_style("mark"))
    titled(ax, f"A {duration(h.wick_seconds)} wick in the last price; the mark price decides",
           "Time (minutes)", f"Price ({q} per {b})")
    ax.set_xlim(h.times[0], h.times[-1])
    thousands(ax, "y")
    legend_outside(ax)


def draw_cost_drift(ax: "Axes", drift: "CostDrift") -> None:
    """The liquidation price with no costs, with a closing fee, and with the fee plus funding
    paid out of the collateral, payment after payment (lesson 3).

    Examples
    --------
    >>> from margin_lab import cost_drift
    >>> from margin_lab.plots import render
    >>> info = render(draw_cost_drift, cost_drift("long", leverage=10)).info
    >>> info.title, info.xlabel
    ('Fees and funding move the liquidation price (entry 20,000.00)', 'Time (days)')
    >>> [round(y, 2) for y in info.line("Fee and funding").y[::45]]
    [18099.55, 18190.05, 18280.54]
    """
    d, q, b = drift, drift.quote, drift.base
    start, end = d.times[0], d.times[-1]
    if d.no_costs is not None:
        ax.plot([start, end], [d.no_costs, d.no_costs], label=f"No costs {price(d.no_costs)}", **_STYLES["no_costs"])
    if d.with_fee is not None:
        ax.plot([start, end], [d.with_fee, d.with_fee], label=f"Closing fee {percent(d.fee_rate, 3)}",
                **_STYLES["fee"])
    ax.step(d.times, d.with_funding, where="post",
            label=f"Fee and funding {percent(d.funding_rate, 3)} per {d.funding_interval_hours:g} h",
            **_STYLES["funding"])
    if d.funding_liquidation_day is not None:
        ax.plot([d.funding_liquidation_day], [d.with_funding[-1]],
                label=f"Liquidated by funding, day {number(d.funding_liquidation_day, 1)}", **line_style("event"))
    titled(ax, f"Fees and funding move the liquidation price (entry {price(d.entry_price)})",
           "Time (days)", f"Liquidation price ({q} per {b})")
    ax.set_xlim(start, end if end > start else start + 1)
    thousands(ax, "y")
    legend_outside(ax)


def draw_tier_ladder(ax: "Axes", ladder: "TierLadder") -> None:
    """The maintenance rate by notional (a staircase, log scale) and, for each position, an
    arrow from its notional at entry (filled marker) to its notional at the liquidation price
    (hollow marker), labelled "size: entry notional → notional at liquidation" (lesson 3).

    Examples
    --------
    >>> from margin_lab import tier_ladder
    >>> from margin_lab.plots import render
    >>> info = render(draw_tier_ladder, tier_ladder(sizes=[1, 6], leverage=3)).info
    >>> info.title
    'Maintenance tiers: a bigger position pays a higher rate'
    >>> info.line("6 BTC").x, info.line("6 BTC").y
    ((120000.0, 82051.28205128205), (5.0, 2.5))
    """
    from matplotlib.ticker import FuncFormatter

    t, q = ladder, ladder.quote
    notionals = [p.notional for p in t.positions] + [p.liquidation_notional or p.notional for p in t.positions]
    low = min([*notionals, *t.floors[1:]]) / 2
    high = max([*notionals, t.floors[-1]]) * 2
    xs = [low, *[f for f in t.floors[1:] if f < high], high]
    ys = [100 * r for f, r in zip(t.floors, t.rates) if f < high]
    ax.step(xs, [*ys, ys[-1]], where="post", label="Maintenance rate by notional", **_STYLES["schedule"])
    for i, p in enumerate(t.positions):
        color, dashes, marker = _POSITIONS[i % len(_POSITIONS)]
        end = p.liquidation_notional if p.liquidation_notional is not None else p.notional
        rate = p.liquidation_rate if p.liquidation_rate is not None else p.entry_rate
        ax.plot([p.notional, end], [100 * p.entry_rate, 100 * rate], color=color, linestyle=dashes, linewidth=1.6,
                marker=marker, markevery=[0], markersize=7,
                label=f"{quantity(p.size)} {t.base}: {number(p.notional, 0)} → {number(end, 0)}")
        ax.plot([end], [100 * rate], color=color, linestyle="none", marker=marker, markersize=7,
                markerfacecolor="white")
        ax.annotate("", xy=(end, 100 * rate), xytext=(p.notional, 100 * p.entry_rate),
                    arrowprops={"arrowstyle": "->", "color": color, "linewidth": 1.4})
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.plot([], [], color=PALETTE["black"], linestyle="none", marker="o", markerfacecolor="white",
            label="Filled: at entry; hollow: at liquidation")
    titled(ax, "Maintenance tiers: a bigger position pays a higher rate",
           f"Position notional ({q}, log scale)", "Maintenance rate (%)")
    legend_outside(ax)
