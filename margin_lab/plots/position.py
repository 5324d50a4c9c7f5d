"""Draw step of the lesson 1-3 figures: ``draw_<thing>(ax, result)`` for one position.

Each function draws a frozen result from :mod:`margin_lab.studies.position` or
:mod:`margin_lab.studies.liquidation` on one matplotlib axes: no finance, no pyplot, no
global settings. Title and axis labels carry units; every line has a label, a colour from the
Okabe-Ito palette and its own line style. Use them through :func:`margin_lab.plots.show` in a
lesson cell, or through the explorers of :mod:`margin_lab.widgets.position`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import number, percent, price, quantity
from ._style import fill_style, line_style, nice_limits
from .axes import legend_outside, thousands, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.liquidation import LiquidationPath
    from ..studies.position import EquityCurve, IsolatedAllocation

__all__ = ["draw_equity_curve", "draw_isolated_allocation", "draw_liquidation_path"]


def _zoom_on_liquidation(ax: "Axes", curve: "EquityCurve") -> None:
    """An inset magnifying the few hundred quote units where equity meets the maintenance margin
    and then zero: on the full scale the maintenance line lies on zero and the liquidation and
    bankruptcy lines on each other. Drawn only when both prices lie inside the price span."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    low, high = sorted((curve.liquidation_price, curve.bankruptcy_price))
    if low <= curve.prices[0] or high >= curve.prices[-1] or high <= low:
        return
    gap = high - low
    xs = np.linspace(low - 1.5 * gap, high + 1.5 * gap, 41)
    equities = np.interp(xs, curve.prices, curve.equities)
    requirements = np.interp(xs, curve.prices, curve.requirements)
    # Opposite the liquidation side of the entry, below the equity line: nothing else is drawn there.
    bounds = [0.6, 0.08, 0.36, 0.36] if curve.side.value == "long" else [0.07, 0.08, 0.35, 0.36]
    inset = ax.inset_axes(bounds)
    inset.plot(xs, equities, **line_style("equity"))
    inset.plot(xs, requirements, **line_style("maintenance"))
    inset.axhline(0.0, **line_style("zero"))
    inset.axvline(curve.liquidation_price, **line_style("liquidation"))
    inset.axvline(curve.bankruptcy_price, **line_style("bankruptcy"))
    if xs[0] <= curve.mark_price <= xs[-1]:
        inset.plot([curve.mark_price], [curve.equity], **line_style("mark"))
    requirement = float(np.max(np.abs(requirements)))
    inset.set_xlim(xs[0], xs[-1])
    inset.set_ylim(-2.0 * requirement, 3.0 * requirement)
    inset.set_title("Zoom near liquidation", fontsize="small", loc="left")
    inset.tick_params(labelsize="x-small")
    thousands(inset, "x", "y")
    inset.xaxis.set_major_locator(MaxNLocator(nbins=3))


def _warned_marker() -> dict:
    """The warning marker: an open ring, larger than the liquidation cross, so that when the
    two events fall hours apart the cross shows inside the ring instead of hiding it."""
    return {**line_style("mark"), "markerfacecolor": "none", "markeredgewidth": 1.8, "markersize": 12}


def _zoom_on_levels(ax: "Axes", path: "LiquidationPath") -> None:
    """An inset magnifying the warning, liquidation and bankruptcy prices where the path first
    crosses them: at 10x they lie within about 140 quote units of each other, a hair's width on
    the full scale. Drawn only when the path reaches the warning or the liquidation price and
    the three prices span less than a tenth of the figure's price range."""
    from matplotlib.ticker import MaxNLocator

    p = path
    levels = [x for x in (p.warning_price, p.liquidation_price, p.bankruptcy_price) if x is not None]
    days = [d for d in (p.warning_day, p.liquidation_day) if d is not None]
    if len(levels) < 2 or not days:
        return
    low, high = min(levels), max(levels)
    span = max(max(p.prices), high) - min(min(p.prices), low)
    gap = high - low
    if gap <= 0 or gap >= 0.1 * span:
        return
    half = max(1.0, 1.5 * (max(days) - min(days)))
    start, end = max(p.times[0], min(days) - half), min(p.times[-1], max(days) + half)
    # Where the path is not: above the entry while a long falls, below it while a short rises.
    bounds = [0.3, 0.5, 0.36, 0.36] if p.side.value == "long" else [0.3, 0.06, 0.36, 0.36]
    inset = ax.inset_axes(bounds)
    inset.plot(p.times, p.prices, **line_style("price"))
    if p.warning_price is not None and p.liquidation_price is not None:
        inset.axhspan(min(p.warning_price, p.liquidation_price), max(p.warning_price, p.liquidation_price),
                      **fill_style("band"))
        inset.axhline(p.warning_price, **line_style("warning"))
    if p.liquidation_price is not None:
        inset.axhline(p.liquidation_price, **line_style("liquidation"))
    if p.bankruptcy_price is not None:
        inset.axhline(p.bankruptcy_price, **line_style("bankruptcy"))
    if p.warning_day is not None and (p.liquidation_day is None or p.warning_day < p.liquidation_day):
        inset.plot([p.warning_day], [p.prices[p.times.index(p.warning_day)]], **_warned_marker())
    if p.liquidation_day is not None:
        inset.plot([p.liquidation_day], [p.prices[p.times.index(p.liquidation_day)]], **line_style("event"))
    inset.set_xlim(start, end)
    inset.set_ylim(low - 0.6 * gap, high + 0.6 * gap)
    inset.set_title("Zoom: warning, liquidation, bankruptcy", fontsize="small", loc="left")
    inset.tick_params(labelsize="x-small")
    thousands(inset, "y")
    inset.xaxis.set_major_locator(MaxNLocator(nbins=3))
    inset.yaxis.set_major_locator(MaxNLocator(nbins=4))


def draw_equity_curve(ax: "Axes", curve: "EquityCurve") -> None:
    """Equity and maintenance margin against the mark price, with the entry, the current mark,
    and the liquidation and bankruptcy prices (lesson 1).

    Examples
    --------
    >>> from margin_lab import equity_curve
    >>> from margin_lab.plots import render
    >>> info = render(draw_equity_curve, equity_curve("long", leverage=10, mark_price=19_000)).info
    >>> info.title, info.xlabel, info.ylabel
    ('Long 1 BTC at 10x: equity vs mark price', 'Mark price (USDT per BTC)', 'Amount (USDT)')
    >>> round(info.line("Liquidation").x[0], 2)
    18090.45
    """
    q, b = curve.quote, curve.base
    ax.plot(curve.prices, curve.equities, label="Equity: collateral + P&L", **line_style("equity"))
    ax.plot(curve.prices, curve.requirements, label="Maintenance margin", **line_style("maintenance"))
    ax.axhline(0.0, **line_style("zero"))
    ax.axvline(curve.entry_price, label=f"Entry {price(curve.entry_price)}", **line_style("entry"))
    if curve.liquidation_price is not None:
        ax.axvline(curve.liquidation_price, label=f"Liquidation {price(curve.liquidation_price)}",
                   **line_style("liquidation"))
    if curve.bankruptcy_price is not None:
        ax.axvline(curve.bankruptcy_price, label=f"Bankruptcy {price(curve.bankruptcy_price)}",
                   **line_style("bankruptcy"))
    ax.plot([curve.mark_price], [curve.equity],
            label=f"Now: equity {number(curve.equity, 0)}", **line_style("mark"))
    ax.set_xlim(curve.prices[0], curve.prices[-1])
    if curve.liquidation_price is not None and curve.bankruptcy_price is not None:
        _zoom_on_liquidation(ax, curve)
    side = curve.side.value.capitalize()
    titled(ax, f"{side} {quantity(curve.size)} {b} at {curve.leverage:g}x: equity vs mark price",
           f"Mark price ({q} per {b})", f"Amount ({q})")
    thousands(ax, "x", "y")
    legend_outside(ax)


def draw_isolated_allocation(ax: "Axes", allocation: "IsolatedAllocation") -> None:
    """The wallet split into what one isolated position puts at risk and what it does not, and
    the collateral split into the loss before liquidation and the cushion left there (lesson 2).

    Examples
    --------
    >>> from margin_lab import isolated_allocation
    >>> from margin_lab.plots import render
    >>> info = render(draw_isolated_allocation, isolated_allocation(10_000, 2_000, 10)).info
    >>> info.title
    'Isolated 10x long: 2,010 of 10,000 USDT at risk'
    >>> [(bar.label, bar.values) for bar in info.bars][:2]
    [('Not at risk: rest of wallet', (7990.0,)), ('At risk: collateral', (2000.0,))]
    """
    a, q = allocation, allocation.quote
    wallet, collateral = "Wallet", "Collateral"
    segments = [
        (wallet, a.not_at_risk, 0.0, "Not at risk: rest of wallet", "safe"),
        (wallet, a.collateral, a.not_at_risk, "At risk: collateral", "at_risk"),
        (wallet, a.opening_fee, a.not_at_risk + a.collateral, "Paid: opening fee", "fee"),
        (collateral, a.loss_before_liquidation, a.not_at_risk, "Collateral lost before liquidation", "loss"),
        (collateral, a.cushion, a.not_at_risk + a.loss_before_liquidation, "Maintenance cushion at liquidation",
         "cushion"),
    ]
    for row, width, left, label, role in segments:
        if width <= 0:  # nothing to draw (no fee): no bar, so no legend entry either
            continue
        bars = ax.barh([row], [width], left=[left], height=0.6, label=label, **fill_style(role))
        if width >= 0.06 * a.balance:
            ax.bar_label(bars, labels=[number(width, 0)], label_type="center",
                         bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
        elif left + width >= 0.99 * a.balance:
            # A sliver at the end of its row (the cushion, the fee) is a few pixels wide: its
            # amount goes just outside the bar so the eye finds it.
            ax.bar_label(bars, labels=[number(width, 0)], label_type="edge", padding=3)
    ax.set_xlim(0, nice_limits(0, a.balance * 1.02, pad=0)[1])
    ax.invert_yaxis()
    at_risk = f"{number(a.at_risk, 0)} of {number(a.balance, 0)} {q} at risk"
    titled(ax, f"Isolated {a.leverage:g}x {a.side.value}: {at_risk}", f"Amount ({q})", "Where the money sits")
    ax.grid(axis="y", visible=False)
    thousands(ax, "x")
    legend_outside(ax)


def draw_liquidation_path(ax: "Axes", path: "LiquidationPath") -> None:
    """A stylised mark-price path with the entry, the warning band, and the liquidation and
    bankruptcy prices; markers where the warning and the liquidation happen (lesson 3).

    Examples
    --------
    >>> from margin_lab import liquidation_path
    >>> from margin_lab.plots import render
    >>> info = render(draw_liquidation_path, liquidation_path("long", leverage=50, venue="bybit")).info
    >>> info.title
    'Long 50x, 0.5 % maintenance: liquidation 1.5 % away'
    >>> info.line("Liquidation").y
    (19700.0, 19700.0)
    """
    p, q, b = path, path.quote, path.base
    ax.plot(p.times, p.prices, label="Mark price (stylised path)", **line_style("price"))
    ax.axhline(p.entry_price, label=f"Entry {price(p.entry_price)}", **line_style("entry"))
    if p.warning_price is not None and p.liquidation_price is not None:
        ax.axhspan(min(p.warning_price, p.liquidation_price), max(p.warning_price, p.liquidation_price),
                   label=f"Warning band ({percent(p.warning_level, 0)} to 100 %)",
                   **fill_style("band"))
        ax.axhline(p.warning_price, label=f"Warning {price(p.warning_price)}", **line_style("warning"))
    if p.liquidation_price is not None:
        ax.axhline(p.liquidation_price, label=f"Liquidation {price(p.liquidation_price)}",
                   **line_style("liquidation"))
    if p.bankruptcy_price is not None:
        ax.axhline(p.bankruptcy_price, label=f"Bankruptcy {price(p.bankruptcy_price)}", **line_style("bankruptcy"))
    if p.warning_day is not None and (p.liquidation_day is None or p.warning_day < p.liquidation_day):
        ax.plot([p.warning_day], [p.prices[p.times.index(p.warning_day)]],
                label=f"Warned on day {number(p.warning_day, 1)}", **_warned_marker())
    if p.liquidation_day is not None:
        ax.plot([p.liquidation_day], [p.prices[p.times.index(p.liquidation_day)]],
                label=f"Liquidated on day {number(p.liquidation_day, 1)}", **line_style("event"))
    distance = "no liquidation price" if p.liquidation_price is None else (
        f"liquidation {percent(p.liquidation_distance)} away")
    side = p.side.value.capitalize()
    titled(ax, f"{side} {p.leverage:g}x, {percent(p.maintenance_rate, 3)} maintenance: {distance}",
           "Time (days)", f"Mark price ({q} per {b})")
    ax.set_xlim(p.times[0], p.times[-1])
    _zoom_on_levels(ax, p)
    thousands(ax, "y")
    legend_outside(ax)
