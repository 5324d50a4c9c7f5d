"""Draw step of the lesson 4 figures: a managed isolated position over time.

:func:`draw_managed_position` shows the mark price and the liquidation price day by day, with
the stop-loss, the learner's actions and how the position ended; :func:`draw_margin_level` shows
the margin level against the warning and liquidation levels. Both draw a
:class:`~margin_lab.studies.manage.ManagedPosition`: no finance, no pyplot, no rcParams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..text import number, percent, price
from ._style import PALETTE, line_style
from .axes import legend_outside, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.manage import ManagedPosition

__all__ = ["draw_managed_position", "draw_margin_level"]

_NAN = float("nan")


def _stop_style() -> dict[str, Any]:
    # No house role for a trader's own exit: a colour no other line here uses, its own dash.
    return {"color": PALETTE["bluish_green"], "linestyle": (0, (4, 1.5, 1, 1.5, 1, 1.5)), "linewidth": 1.8}


def _marker(role: str, marker: str, color: str | None = None) -> dict[str, Any]:
    style = {**line_style(role), "marker": marker}
    if color is not None:
        style["color"] = color
    return style


def _ended(m: "ManagedPosition") -> str:
    kind, day = m.outcome, m.end_day
    return {
        "liquidated": f"liquidated on day {day}",
        "stopped": f"stopped out on day {day}",
        "closed": f"closed by you on day {day}",
    }.get(kind, f"still open after {len(m.times) - 1} days")


def draw_managed_position(ax: "Axes", m: "ManagedPosition") -> None:
    """Mark price and liquidation price over the days, the stop-loss, the learner's actions and
    the end of the position (lesson 4).

    Examples
    --------
    >>> from margin_lab import managed_position
    >>> from margin_lab.plots import render
    >>> info = render(draw_managed_position, managed_position("dip", add_margin=1_100)).info
    >>> info.title
    'Long 10x on the dip path: still open after 60 days'
    >>> [round(y, 2) for y in info.line("Liquidation price").y[:3]]
    [18090.45, 16984.92, 16984.92]
    """
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    q, b = m.quote, m.base
    days = list(m.times)
    if m.lows != m.closes or m.highs != m.closes:
        ax.fill_between(days, m.lows, m.highs, color=PALETTE["sky_blue"], alpha=0.35, linewidth=0,
                        label="Daily low to high")
    ax.plot(days, m.closes, label="Mark price (daily close)", **line_style("price"))
    ax.axhline(m.entry_price, label=f"Entry {price(m.entry_price)}", **line_style("entry"))
    liquidation = [_NAN if p is None else p for p in m.liquidation_prices]
    if m.end_day is not None:  # carry the last level to the day the position ended, so the step shows
        liquidation[m.end_day] = liquidation[m.end_day - 1]
    ax.plot(days, liquidation, drawstyle="steps-post", label="Liquidation price", **line_style("liquidation"))
    if m.stop_loss is not None:
        ax.axhline(m.stop_loss, label=f"Stop-loss {price(m.stop_loss)}", **_stop_style())
    for day, did, marker in ((m.add_margin_day, m.add_margin, "^"), (m.reduce_day, m.reduce_fraction, "s")):
        level = m.liquidation_prices[day] if did else None
        if level is None:
            continue
        what = f"added {number(did, 0)}" if marker == "^" else f"cut size {percent(did, 0)}"
        style = _marker("mark", marker)
        if marker == "s":  # an open, larger square: both actions on one day stay visible, one inside the other
            style.update(markerfacecolor="none", markersize=12, markeredgewidth=1.8)
        ax.plot([day], [level], label=f"You {what} on day {day}", **style)
    end, kind = m.end_day, m.outcome
    if kind == "liquidated":
        ax.plot([end], [m.closes[end]], label=f"Liquidated on day {end}", **line_style("event"))
    elif kind == "stopped":
        ax.plot([end], [m.stop_loss], label=f"Stopped on day {end}", **_marker("event", "P", PALETTE["bluish_green"]))
    elif kind == "closed":
        ax.plot([end], [m.closes[end]], label=f"Closed on day {end}", **_marker("mark", "D"))
    ax.set_xlim(days[0], days[-1])
    titled(ax, f"{m.side.value.capitalize()} {m.leverage:g}x on the {m.path} path: {_ended(m)}",
           "Time (days)", f"Price ({q} per {b})")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    legend_outside(ax)


def draw_margin_level(ax: "Axes", m: "ManagedPosition") -> None:
    """Margin level (equity / maintenance margin) at each daily close, on a log scale, against
    the margin-call level and 100 % (liquidation); markers at the margin call and the
    liquidation, at the level the engine saw then (lesson 4).

    Examples
    --------
    >>> from margin_lab import managed_position
    >>> from margin_lab.plots import render
    >>> info = render(draw_margin_level, managed_position("dip", add_margin=1_100)).info
    >>> info.title, info.ylabel
    ('Margin level of the long 10x on the dip path', 'Margin level (%, log scale)')
    >>> info.line("Margin call below").y
    (150.0, 150.0)
    """
    from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

    days = list(m.times)
    levels = [_NAN if level is None else 100 * level for level in m.levels]
    ax.plot(days, levels, label="Margin level at the close", **line_style("equity"))
    ax.axhline(100 * m.warning_level, label=f"Margin call below {percent(m.warning_level, 0)}",
               **line_style("warning"))
    ax.axhline(100.0, label="Liquidation at 100 %", **line_style("liquidation"))
    for record in m.run.records:
        for event in record.events:
            if event.kind == "margin_call":
                ax.plot([record.time], [100 * event.margin_level], label=f"Margin call on day {record.step}",
                        **_marker("mark", "o"))
            elif event.kind == "liquidation":
                shown = max(100 * event.margin_level, 1.0)  # a gap can leave a level <= 0: keep it on a log axis
                ax.plot([record.time], [shown], label=f"Liquidated on day {record.step}", **line_style("event"))
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f} %"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(days[0], days[-1])
    titled(ax, f"Margin level of the {m.side.value} {m.leverage:g}x on the {m.path} path",
           "Time (days)", "Margin level (%, log scale)")
    legend_outside(ax)
