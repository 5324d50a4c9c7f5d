"""Every enabled control of the explorers of lessons 00, 01 and 04 and of the portfolio planner
(lesson 08) moves the figure or the summary; a control that cannot is greyed out and says why.

The test does not know which controls matter: it takes each enabled control in a given state,
tries the values at the ends and in the middle of its range (or every other option), and
requires at least one that is accepted to change the figure or the summary (issue 17, part 3).
"""

from __future__ import annotations

import pytest

import margin_lab as ml
from margin_lab.widgets import portfolio_planner_explorer, position_manager_explorer


def _candidates(control):
    """Values other than the current one: every other option, or a slider's ends and middle."""
    options = getattr(control, "options", None)
    if options is not None:
        values = [value for _, value in options] if options and isinstance(options[0], tuple) else list(options)
        return [value for value in values if value != control.value]
    low, high, step = control.min, control.max, control.step
    middle = low + round((high - low) / 2 / step) * step
    return [value for value in (low, middle, high, low + step, high - step) if value != control.value]


def _shown(explorer):
    return repr(explorer.figure_info()), explorer.summary.value  # repr: NaN gaps compare equal


def _moves_something(explorer, name) -> list:
    """The candidate values of control ``name`` that change the figure or the summary."""
    control = explorer.controls[name]
    start, before = control.value, _shown(explorer)
    moved = []
    for value in _candidates(control):
        explorer.set(**{name: value})
        if explorer.status_text == "" and _shown(explorer) != before:
            moved.append(value)
        explorer.set(**{name: start})
    assert _shown(explorer) == before, f"{name}: going back to {start!r} did not restore the view"
    return moved


def _check_state(explorer):
    enabled = [name for name, control in explorer.controls.items() if not control.disabled]
    assert enabled
    for name in enabled:
        assert _moves_something(explorer, name), f"{name} is enabled in {explorer.values()} but changes nothing"
    for name, control in explorer.controls.items():
        if control.disabled:
            assert "greyed out:" in control.tooltip, name


MANAGER_STATES = [
    {},
    {"path": "random", "seed": 12},
    {"add_margin": 1_100, "add_margin_day": 5},
    {"reduce_fraction": 0.5, "reduce_day": 5, "funding_rate": 0.0001},
    {"path": "flat", "stop_loss": 19_000},
]


@pytest.mark.parametrize("state", MANAGER_STATES, ids=lambda s: ",".join(s) or "default")
def test_every_enabled_position_manager_control_moves_the_figure_or_summary(state):
    manager = position_manager_explorer()
    manager.set(**state)
    _check_state(manager)


def test_the_position_managers_idle_controls_are_greyed_out_until_they_matter():
    manager = position_manager_explorer()
    idle = {name for name, control in manager.controls.items() if control.disabled}
    assert idle == {"seed", "add_margin_day", "reduce_day"}
    assert "only the random path" in manager.controls["seed"].tooltip
    assert "margin to add is 0" in manager.controls["add_margin_day"].tooltip
    assert "share to close is 0" in manager.controls["reduce_day"].tooltip
    # Moving them while greyed out changes nothing: that is why they are greyed out.
    before = _shown(manager)
    manager.set(seed=40, add_margin_day=30, reduce_day=30)
    assert _shown(manager) == before
    # As the browser does: an amount makes its day matter, and the tooltip drops the reason.
    manager.controls["add_margin"].value = 500
    assert not manager.controls["add_margin_day"].disabled
    assert "greyed out" not in manager.controls["add_margin_day"].tooltip
    manager.controls["reduce_fraction"].value = 0.25
    assert not manager.controls["reduce_day"].disabled
    manager.controls["path"].value = "random"
    assert not manager.controls["seed"].disabled
    manager.controls["add_margin"].value = 0
    assert manager.controls["add_margin_day"].disabled


PLANNER_STATES = [
    {},
    {"mode_1": "isolated", "leverage_1": 20},
    {"mode_1": "isolated", "mode_2": "isolated", "mode_3": "isolated", "scenario": "grind"},
]


@pytest.mark.parametrize("state", PLANNER_STATES, ids=lambda s: ",".join(s) or "default")
def test_every_enabled_planner_control_moves_the_figure_or_summary(state):
    planner = portfolio_planner_explorer()
    planner.set(**state)
    _check_state(planner)


def test_the_planners_cross_leverage_sliders_are_greyed_out_and_say_why():
    planner = portfolio_planner_explorer()
    levers = [f"leverage_{i}" for i in (1, 2, 3)]
    assert all(planner.controls[name].disabled for name in levers)  # the draft is all cross
    assert all("this leg is cross" in planner.controls[name].tooltip for name in levers)
    planner.controls["mode_2"].value = "isolated"  # as the browser does
    assert not planner.controls["leverage_2"].disabled
    assert "greyed out" not in planner.controls["leverage_2"].tooltip
    assert planner.controls["leverage_1"].disabled and planner.controls["leverage_3"].disabled


@pytest.mark.parametrize("make, state", [
    # lesson 00: the isolated set-up explorer as the lesson calls it, and after its two exercises
    (lambda: ml.isolated_setup_explorer(balance=10_000, collateral=2_000, leverage=10,
                                                              fee_rate=0.0), {}),
    (lambda: ml.isolated_setup_explorer(fee_rate=0.0), {"collateral": 4_000, "leverage": 5}),
    # lesson 01: the leverage explorer, and the states its text asks for
    (lambda: ml.leverage_explorer(), {}),
    (lambda: ml.leverage_explorer(), {"leverage": 20}),
    (lambda: ml.leverage_explorer(), {"side": "short", "mark_price": 21_000}),
], ids=["setup-default", "setup-5x", "leverage-default", "leverage-20x", "leverage-short"])
def test_every_enabled_control_of_lessons_00_and_01_moves_the_figure_or_summary(make, state):
    explorer = make()
    explorer.set(**state)
    _check_state(explorer)
