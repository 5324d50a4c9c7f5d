"""Every enabled control of every explorer the lessons call (lessons 00-09, each made as its
lesson makes it) moves the figure or the summary, in its default state and at least one other;
a control that cannot is greyed out and says why.

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
    # A control may move others (a venue preset sets the fee and the rate): going back restores
    # every control's value, so the next candidate starts from the same state.
    start, everything, before = control.value, explorer.values(), _shown(explorer)
    moved = []
    for value in _candidates(control):
        explorer.set(**{name: value})
        if explorer.status_text == "" and _shown(explorer) != before:
            moved.append(value)
        explorer.set(**everything)
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


def _lesson_08_planner():
    """The planner exactly as lesson 08 calls it: its three-leg cross draft and a 1,500 budget."""
    draft = ml.Portfolio(10_000, fee_rate=0.0005, legs=(
        ml.Leg("BTC", "long", size=1, leverage=10, mode="cross"),
        ml.Leg("ETH", "long", size=6, leverage=10, mode="cross"),
        ml.Leg("SOL", "short", size=48, leverage=10, mode="cross"),
    ))
    return ml.portfolio_planner_explorer(draft, budget=1_500)


#: Every explorer the lessons use (``grep -l '_explorer(' lessons/*.ipynb``), made as its lesson
#: makes it, in its default state and in one other state the lesson's text or exercises lead to.
LESSON_EXPLORERS = {
    "02-setup-default": (ml.isolated_setup_explorer, {}),
    "02-setup-2x": (ml.isolated_setup_explorer, {"collateral": 5_000, "leverage": 2}),
    "03-liquidation-default": (ml.liquidation_explorer, {}),
    "03-liquidation-bybit-50x": (ml.liquidation_explorer, {"venue": "bybit", "leverage": 50, "fee_rate": 0.0}),
    "03-liquidation-short-entry": (ml.liquidation_explorer, {"side": "short", "basis": "entry", "fee_rate": 0.0005}),
    "05-cross-default": (ml.cross_explorer, {}),
    "05-cross-other": (ml.cross_explorer, {"portfolio": "hedged_pair", "scenario": "grind"}),
    "06-own-book-default": (ml.own_book_explorer, {}),
    "06-own-book-gaps": (ml.own_book_explorer, {"gaps": True, "second_side": "short"}),
    "07-venues-default": (ml.venue_explorer, {}),
    "07-venues-one-venue": (ml.venue_explorer, {"venue": "binance_usdm", "size": 100}),
    "08-planner-lesson": (_lesson_08_planner, {}),
    "08-planner-isolated": (_lesson_08_planner, {"mode_2": "isolated", "leverage_2": 20}),
    "09-coin-default": (ml.coin_collateral_explorer, {}),
    "09-coin-long-usdt": (ml.coin_collateral_explorer, {"collateral": "usdt", "side": "long"}),
}


def test_every_explorer_the_lessons_call_is_driven_here():
    import json
    import re
    from pathlib import Path

    called = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "lessons").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"ml\.(\w+_explorer)\(", "".join(cell["source"])))
    driven = {make.__name__ for make, _ in LESSON_EXPLORERS.values() if make.__name__ != "_lesson_08_planner"}
    driven |= {"portfolio_planner_explorer", "leverage_explorer", "position_manager_explorer"}
    assert called and called <= driven, f"explorers a lesson calls but no test drives: {called - driven}"


@pytest.mark.parametrize("case", LESSON_EXPLORERS)
def test_every_enabled_control_of_every_lesson_explorer_moves_the_figure_or_summary(case):
    make, state = LESSON_EXPLORERS[case]
    explorer = make()
    explorer.set(**state)
    assert explorer.status_text == "", explorer.status_text
    _check_state(explorer)


def test_a_venue_preset_greys_out_the_liquidation_explorers_rate_and_basis_and_says_why():
    explorer = ml.liquidation_explorer()
    locked = ("maintenance_rate", "basis")
    assert not any(explorer.controls[name].disabled for name in locked)
    assert not any("greyed out" in explorer.controls[name].tooltip for name in locked)
    explorer.controls["venue"].value = "bybit"  # as the browser does
    for name in locked:
        assert explorer.controls[name].disabled
        assert "greyed out: the Bybit" in explorer.controls[name].tooltip
    # Moving them while locked changes nothing: the preset decides.
    before = _shown(explorer)
    explorer.set(maintenance_rate=0.02, basis="mark")
    assert _shown(explorer) == before
    explorer.controls["venue"].value = "custom"
    assert not any(explorer.controls[name].disabled for name in locked)
    assert not any("greyed out" in explorer.controls[name].tooltip for name in locked)
