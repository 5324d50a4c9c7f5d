"""Lesson 8: the portfolio planner. Each control is set and the figure and summary are read back.

Expected numbers are derived here, not read back from the planner: an isolated leg's collateral
is size × entry / leverage (REFERENCE.md §0), the crash's BTC low is 0.995**9 × 0.5 of the start
(margin_lab.scenarios), and in cross a leg's leverage setting changes nothing (REFERENCE.md §4).
"""

from __future__ import annotations


import pytest

from margin_lab import DRAFT_PLAN
from margin_lab.replay import Leg, Portfolio
from margin_lab.widgets import portfolio_planner_explorer

WALLET, BUDGET = 10_000.0, 1_500.0


DRAFT = {"mode_1": "cross", "leverage_1": 10, "mode_2": "cross", "leverage_2": 10, "mode_3": "cross",
         "leverage_3": 10, "scenario": "crash"}


@pytest.fixture(scope="module")
def shared():
    return portfolio_planner_explorer()


@pytest.fixture
def planner(shared):
    """The module's planner, reset to the draft (all cross at 10x, the crash shown)."""
    changed = {name: value for name, value in DRAFT.items() if shared.values()[name] != value}
    if changed:
        shared.set(**changed)
    return shared


def _bars(planner) -> dict[str, float]:
    """Scenario -> bar height read from the figure: the "Within budget" series holds the passed
    scenarios in order, "Over budget" the others."""
    info = planner.figure_info()
    heights = {}
    for label, passed in (("Within budget", True), ("Over budget", False)):
        names = [o.scenario for o in planner.result.outcomes if o.passed is passed]
        values = info.bar(label).values if names else ()
        assert len(values) == len(names)
        heights.update(zip(names, values))
    return heights


def test_the_planner_has_a_mode_and_a_leverage_per_leg_and_a_scenario_dropdown(planner):
    assert repr(planner) == "Portfolio planner (7 controls)"
    assert list(planner.controls) == ["mode_1", "leverage_1", "mode_2", "leverage_2", "mode_3", "leverage_3",
                                      "scenario"]
    assert planner.controls["mode_1"].description == "BTC long: mode"
    assert planner.controls["leverage_3"].description == "SOL short: leverage (x)"


def test_the_all_cross_draft_loses_the_whole_wallet_in_the_crash(planner):
    planner.set(mode_1="cross", leverage_1=10, scenario="crash")
    # 1 BTC long falls to 0.995**9 × 0.5 of 20,000 at the crash low: a loss past the wallet
    assert 20_000 * (1 - 0.995**9 * 0.5) > WALLET
    info = planner.figure_info()
    assert _bars(planner)["crash"] == pytest.approx(WALLET)
    assert info.bar("Over budget").values[0] == pytest.approx(WALLET)
    assert info.line("Budget").y == (BUDGET, BUDGET)
    assert info.line("Whole wallet").y == (WALLET, WALLET)
    assert "within it in 2 of 4" in info.title


def test_isolating_the_btc_long_changes_the_bars_and_caps_its_loss_at_its_collateral(planner):
    planner.set(mode_1="cross", leverage_1=10)
    before, text_before = _bars(planner), planner.summary.value
    planner.set(mode_1="isolated")
    after = _bars(planner)
    assert after != before and planner.summary.value != text_before
    crash = planner.result.outcome("crash")
    btc = [e.loss for e in crash.liquidations if e.symbol == "BTC"]
    assert btc == [pytest.approx(1 * 20_000 / 10)]  # its collateral at 10x


def test_a_higher_leverage_on_the_isolated_btc_long_puts_less_collateral_behind_it(planner):
    planner.set(mode_1="isolated", leverage_1=10)
    grind_at_10 = planner.result.outcome("grind").worst_loss
    planner.set(leverage_1=20)
    lost = [e.loss for e in planner.result.outcome("grind").liquidations if e.symbol == "BTC"]
    assert lost == [pytest.approx(20_000 / 20)]
    assert planner.result.outcome("grind").worst_loss == pytest.approx(grind_at_10 - 1_000)
    assert planner.result.passed
    assert "within it in 4 of 4" in planner.figure_info().title


def test_a_cross_legs_leverage_slider_changes_nothing_but_an_isolated_legs_does(planner):
    planner.set(mode_1="isolated", leverage_1=20, mode_2="cross", leverage_2=10)
    bars, text = _bars(planner), planner.summary.value
    planner.set(leverage_2=40)
    assert _bars(planner) == bars and planner.summary.value == text
    planner.set(mode_2="isolated", leverage_2=10)
    with_iso_10 = _bars(planner)
    planner.set(leverage_2=40)
    assert _bars(planner) != with_iso_10
    planner.set(mode_2="cross", leverage_2=10)


def test_the_scenario_dropdown_redraws_the_lower_panel_without_replaying(planner):
    planner.set(mode_1="isolated", leverage_1=20, scenario="crash")
    outcomes = planner.result.outcomes
    planner.set(scenario="whipsaw")
    assert planner.result.outcomes is outcomes  # remembered, not replayed
    lower = planner.figure_info().axes[1]
    assert lower.title == "Whipsaw: account equity day by day (30 days)"
    assert lower.line("Account equity").y == pytest.approx(planner.result.outcome("whipsaw").equity)
    assert lower.line("Budget floor").y == (WALLET - BUDGET, WALLET - BUDGET)
    assert "The whipsaw day by day" in planner.result.summary()
    planner.set(scenario="grind")
    assert planner.figure_info().axes[1].title == "Grind: account equity day by day (90 days)"


def test_a_liquidation_is_marked_on_the_day_it_happens(planner):
    planner.set(mode_1="isolated", leverage_1=20, scenario="crash")
    marker = planner.figure_info().axes[1].line("Liquidated")
    assert marker.x == (planner.result.outcome("crash").liquidation_day("BTC"),)
    assert "BTC (isolated)" in marker.label


def test_a_custom_plan_of_two_legs_gets_five_controls():
    plan = Portfolio(10_000, (Leg("BTCUSDT", "long", 0.5, 5), Leg("ETHUSDT", "short", 4, 5, mode="cross")))
    planner = portfolio_planner_explorer(plan, budget=2_500, scenario="squeeze")
    assert repr(planner) == "Portfolio planner (5 controls)"
    assert planner.controls["mode_2"].value == "cross"
    assert planner.figure_info().axes[1].title.startswith("Squeeze")
    assert planner.result.budget == 2_500


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"plan": Portfolio(10_000, tuple(Leg(s, "long", 1, 5) for s in ("BTC", "ETH", "SOL", "BTCUSD")))},
         ValueError, "at most 3 legs"),
        ({"plan": "BTC"}, TypeError, "plan must be a Portfolio"),
        ({"budget": -1}, ValueError, "budget must be a finite number > 0"),
        ({"max_leverage": 5}, ValueError, "max_leverage must be >= every leg's leverage"),
        ({"scenario": "meltdown"}, ValueError, "value must be one of"),
    ],
)
def test_impossible_settings_are_refused(kwargs, error, words):
    with pytest.raises(error, match=words):
        portfolio_planner_explorer(**kwargs)


def test_the_default_plan_is_the_lesson_draft():
    assert [(leg.symbol, leg.side.value, leg.size, leg.mode.value) for leg in DRAFT_PLAN.legs] == [
        ("BTC", "long", 1, "cross"), ("ETH", "long", 6, "cross"), ("SOL", "short", 48, "cross")]
