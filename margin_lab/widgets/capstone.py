"""The portfolio planner of lesson 8: per leg a margin mode and a leverage, a scenario to show,
and the plan's worst loss in every stress scenario against a loss budget.

The factory takes a plan (a :class:`margin_lab.replay.Portfolio` of one to three legs) and
builds, per leg, a mode toggle and a leverage slider; the callback re-plans with
:func:`margin_lab.plots.adjust_plan` (isolated collateral = size × entry / leverage), replays
the plan through the four scenarios with :func:`margin_lab.plots.stress_test` and draws it
with :func:`margin_lab.plots.draw_stress_test`. The last few plans are remembered, so choosing
another scenario to show redraws without replaying.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from functools import partial
from typing import Any

from .._checks import require_numbers, require_positive, require_range, require_texts
from ..plots.capstone import draw_stress_test
from ..studies.capstone import DRAFT_PLAN, STRESS_DAYS, StressTest, adjust_plan, stress_test
from ..replay import Portfolio
from ._kit import Explorer, dropdown, slider, toggle

__all__ = ["portfolio_planner_explorer"]

_MODES = [("Isolated", "isolated"), ("Cross", "cross")]
_MODE_TIPS = ["Isolated: the leg has its own collateral, the most it can lose",
              "Cross: the leg shares the wallet with every other cross leg"]


class _Memo:
    """The last few stress tests by plan, so switching the scenario shown does not replay."""

    def __init__(self, size: int = 8):
        self._items: OrderedDict[tuple, StressTest] = OrderedDict()
        self._size = size

    def get(self, key: tuple, make) -> StressTest:
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


def _leverage_tip(size: float) -> str:
    return f"Isolated: collateral = {size:g} × entry / leverage, the most this leg can lose"


def _sync_cross_leverage(controls: dict[str, Any], changed: set[str], *, tips: dict[str, str]) -> None:
    """A cross leg's leverage changes nothing here (the shared pool decides its liquidation, and
    every slider value can open it): its slider is greyed out, the tooltip saying why."""
    for name, tip in tips.items():
        cross = controls["mode_" + name.removeprefix("leverage_")].value == "cross"
        controls[name].disabled = cross
        controls[name].tooltip = (f"{tip} (greyed out: this leg is cross, so the shared wallet backs it and "
                                  "its leverage changes nothing here; switch it to isolated to use it)"
                                  if cross else tip)


def _planned(*, plan: Portfolio, budget: float, memo: _Memo, scenario: str, **settings: Any) -> StressTest:
    modes = {leg.symbol: settings[f"mode_{i}"] for i, leg in enumerate(plan.legs, 1)}
    leverages = {leg.symbol: settings[f"leverage_{i}"] for i, leg in enumerate(plan.legs, 1)}
    key = tuple(sorted(modes.items())) + tuple(sorted(leverages.items()))
    test = memo.get(key, lambda: stress_test(adjust_plan(plan, modes=modes, leverages=leverages), budget))
    return replace(test, selected=scenario)


def portfolio_planner_explorer(
    plan: Portfolio | None = None,
    *,
    budget: float = 1_500,
    scenario: str = "crash",
    max_leverage: float = 50,
) -> Explorer:
    """Per leg a mode and a leverage, and a scenario to show: the plan's worst loss in every
    stress scenario against ``budget`` (lesson 8).

    Parameters
    ----------
    plan : Portfolio, optional
        One to three legs (default :data:`margin_lab.plots.DRAFT_PLAN`); their modes and leverages are the
        starting values, their symbols, sides and sizes stay fixed.
    budget : float
        The most the plan may lose at any daily close, quote currency, > 0.
    scenario : str
        The scenario drawn day by day at first.
    max_leverage : float
        The leverage sliders' maximum, in [1, 125].

    Controls: ``mode_1``, ``leverage_1``, ... per leg and ``scenario``. An isolated leg's
    collateral is its initial margin, size × entry / leverage: a higher leverage puts less money
    behind it. A cross leg's loss is decided by the pool, not its leverage: its leverage slider
    is greyed out (its tooltip says why) until the leg is switched to isolated.
    Figure: :func:`margin_lab.plots.draw_stress_test` (two rows).

    Examples
    --------
    >>> planner = portfolio_planner_explorer()
    >>> planner
    Portfolio planner (7 controls)
    >>> planner.result.outcome("crash").worst_loss
    10000.0
    >>> planner.set(mode_1="isolated", leverage_1=20)
    >>> planner.result.passed
    True
    """
    require_numbers(budget=budget, max_leverage=max_leverage)
    require_texts(scenario=scenario)
    plan = DRAFT_PLAN if plan is None else plan
    if not isinstance(plan, Portfolio):
        raise TypeError(f"plan must be a Portfolio of Legs, got {plan!r}")
    if len(plan.legs) > 3:
        raise ValueError(f"plan must have at most 3 legs for the planner, got {len(plan.legs)}")
    budget = require_positive("budget", budget)
    max_leverage = require_range("max_leverage", max_leverage, 1, 125)
    controls: dict[str, Any] = {}
    for i, leg in enumerate(plan.legs, 1):
        if leg.leverage > max_leverage:
            raise ValueError(f"max_leverage must be >= every leg's leverage, got {max_leverage:g} for the "
                             f"{leg.symbol} leg at {leg.leverage:g}x")
        name = f"{leg.symbol} {leg.side.value}"
        controls[f"mode_{i}"] = toggle(f"{name}: mode", _MODES, value=leg.mode.value,
                                       tooltip=f"Margin mode of the {name} leg", tooltips=_MODE_TIPS)
        controls[f"leverage_{i}"] = slider(
            f"{name}: leverage (x)", value=leg.leverage, min=1, max=max_leverage, step=1,
            tooltip=_leverage_tip(leg.size),
        )
    controls["scenario"] = dropdown("Scenario shown", [(n.capitalize(), n) for n in STRESS_DAYS], value=scenario,
                                    tooltip="The scenario drawn day by day below the bars (the bars show all four)")
    tips = {f"leverage_{i}": _leverage_tip(leg.size) for i, leg in enumerate(plan.legs, 1)}
    compute = partial(_planned, plan=plan, budget=budget, memo=_Memo())
    return Explorer("Portfolio planner", controls, compute, draw_stress_test, nrows=2,
                    sync=partial(_sync_cross_leverage, tips=tips))
