"""Draw step of the capstone figures (lesson 8): the stress scenarios and a plan's stress test.

Each function draws a frozen result of :mod:`margin_lab.studies.capstone`: no finance, no
pyplot, no global settings. Use them through :func:`margin_lab.plots.show` in a lesson cell or
through :func:`margin_lab.widgets.portfolio_planner_explorer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..text import number
from ._style import PALETTE, add_bars, fill_style, fixed_ticks, label_bars, line_style, nice_limits
from .axes import legend_outside, thousands, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.capstone import ScenarioSet, StressTest

__all__ = ["draw_stress_scenarios", "draw_stress_test"]

#: One colour and one line style per scenario, so no two differ by colour alone.
_SCENARIO_STYLE: dict[str, dict[str, Any]] = {
    "crash": {"color": PALETTE["vermillion"], "linestyle": "-", "linewidth": 2.0},
    "grind": {"color": PALETTE["blue"], "linestyle": "--", "linewidth": 2.0},
    "squeeze": {"color": PALETTE["bluish_green"], "linestyle": "-.", "linewidth": 2.0},
    "whipsaw": {"color": PALETTE["orange"], "linestyle": ":", "linewidth": 2.2},
}


def draw_stress_scenarios(ax: "Axes", scenarios: "ScenarioSet", asset: str | None = None) -> None:
    """The four stress scenarios for one asset (default: the first), as % of the start price.

    Examples
    --------
    >>> from margin_lab import stress_scenarios
    >>> from margin_lab.plots import render
    >>> info = render(draw_stress_scenarios, stress_scenarios()).info
    >>> info.title, info.ylabel
    ('Four stress scenarios for BTC (stylised, daily closes)', 'Price (% of the start)')
    >>> round(min(info.line("Crash").y), 1)  # nine closes of -0.5 %, then 0.55: 0.995**9 × 55
    52.6
    """
    asset = scenarios.assets[0] if asset is None else asset
    if asset not in scenarios.assets:
        raise ValueError(f"asset must be one of {list(scenarios.assets)}, got {asset!r}")
    for name in scenarios.names:
        relative = [100 * p for p in scenarios.relative(name, asset)]
        ax.plot(scenarios.times[name], relative, label=name.capitalize(), **_SCENARIO_STYLE[name])
    ax.axhline(100.0, label="Start", **line_style("entry"))
    titled(ax, f"Four stress scenarios for {asset} (stylised, daily closes)", "Time (days)", "Price (% of the start)")
    legend_outside(ax)


def draw_stress_test(axes: Any, test: "StressTest") -> None:
    """Top: the worst loss per scenario as bars against the budget. Bottom (when given two
    axes): the selected scenario's equity day by day, with the budget floor and liquidations.

    Examples
    --------
    >>> from margin_lab import stress_test
    >>> from margin_lab.plots import render
    >>> from margin_lab.replay import Leg, Portfolio
    >>> test = stress_test(Portfolio(10_000, (Leg("BTC", "long", 1, 10),)), budget=1_500)
    >>> info = render(draw_stress_test, test, nrows=2).info
    >>> info.title
    'Worst loss per scenario vs a 1,500 USDT budget: within it in 2 of 4'
    >>> info.bar("Over budget").values, info.axes[1].line("Budget floor").y
    ((2000.0, 2000.0), (8500.0, 8500.0))
    """
    top, bottom = (axes, None) if not hasattr(axes, "__len__") else (axes[0], axes[1] if len(axes) > 1 else None)
    _draw_losses(top, test)
    if bottom is not None:
        _draw_equity(bottom, test)


def _draw_losses(ax: "Axes", test: "StressTest") -> None:
    q = test.quote
    names = [o.scenario for o in test.outcomes]
    ax.set_autoscale_on(False)  # both limits are set here: no autoscaling after every artist
    ax.set_xlim(-0.6, len(names) - 0.4)
    for passed, label, role in ((True, "Within budget", "safe"), (False, "Over budget", "at_risk")):
        picked = [(i, o.worst_loss) for i, o in enumerate(test.outcomes) if o.passed is passed]
        if picked:
            bars = add_bars(ax, [i for i, _ in picked], [v for _, v in picked], width=0.6, label=label,
                            **fill_style(role))
            label_bars(ax, bars, [number(v, 0) for _, v in picked], padding=2)
    ax.plot(range(len(names)), [o.final_loss for o in test.outcomes], label="Loss at the end (below 0: a gain)",
            **line_style("mark"))
    ax.axhline(test.budget, label=f"Budget {number(test.budget, 0)}", **line_style("warning"))
    highest = max([test.budget, *(o.worst_loss for o in test.outcomes)])
    if highest > 0.5 * test.plan.balance:
        ax.axhline(test.plan.balance, label=f"Whole wallet {number(test.plan.balance, 0)}",
                   **line_style("bankruptcy"))
        highest = max(highest, test.plan.balance)
    ax.axhline(0.0, **line_style("zero"))
    lowest = min([0.0, *(o.final_loss for o in test.outcomes)])
    ax.set_ylim(*nice_limits(lowest * 1.15, highest * 1.18, pad=0))
    fixed_ticks(ax.xaxis, range(len(names)), [f"{n.capitalize()}{' (below)' if n == test.selected else ''}" for n in names])
    within = len(names) - len(test.failed)
    titled(ax, f"Worst loss per scenario vs a {number(test.budget, 0)} {q} budget: within it in {within} of "
           f"{len(names)}",
           "Scenario", f"Loss at the worst close ({q})")
    thousands(ax, "y")
    legend_outside(ax)


def _draw_equity(ax: "Axes", test: "StressTest") -> None:
    q = test.quote
    shown = test.outcome(test.selected)
    ax.set_autoscale_on(False)  # both limits are set below: no autoscaling after every artist
    ax.plot(shown.times, shown.equity, label="Account equity", **line_style("equity"))
    ax.axhline(shown.start_value, label=f"Start {number(shown.start_value, 0)}", **line_style("entry"))
    floor = shown.start_value - test.budget
    ax.axhline(floor, label=f"Budget floor {number(floor, 0)}", **line_style("warning"))
    ax.axhline(0.0, **line_style("zero"))
    if shown.liquidations:
        days = sorted(set(shown.liquidation_days))
        equity = [shown.equity[shown.times.index(d)] for d in days]
        names = ", ".join(f"{e.symbol} ({e.margin_mode.value})" for e in shown.liquidations)
        ax.plot(days, equity, label=f"Liquidated: {names}", **line_style("event"))
    ax.set_ylim(*nice_limits(-0.04 * shown.start_value,
                             shown.start_value * 1.12 + max(0.0, max(shown.equity) - shown.start_value), pad=0))
    ax.set_xlim(shown.times[0], shown.times[-1])
    ax.set_title(f"{shown.scenario.capitalize()}: account equity day by day ({len(shown.times) - 1} days)",
                 loc="left")
    ax.set_xlabel("Time (days)")
    ax.set_ylabel(f"Equity ({q})")
    thousands(ax, "y")
    legend_outside(ax)
