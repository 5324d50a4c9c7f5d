"""Lesson 8's compute and draw steps: the stress scenarios, a plan's stress test, adjust_plan.

Expected numbers come from the scenarios' documented daily multiples (margin_lab.scenarios:
the crash slides 0.5 %/day for nine days, then closes at 0.55 of the open with a low at 0.50;
an asset with beta b moves by the b-th power) and from size × entry / leverage.
"""

from __future__ import annotations

import pytest

from margin_lab.model import MarginMode
from margin_lab import (
    DRAFT_PLAN,
    adjust_plan,
    scenario_paths,
    stress_scenarios,
    stress_test,
)
from margin_lab.plots import (
    draw_stress_scenarios,
    draw_stress_test,
    render,
)
from margin_lab.replay import Leg, Portfolio

BETA = {"BTC": 1.0, "ETH": 1.2, "SOL": 1.5}


def test_each_asset_falls_by_its_beta_in_the_crash():
    scenarios = stress_scenarios()
    low = 0.995**9 * 0.5
    for asset, beta in BETA.items():
        assert min(scenarios.relative("crash", asset, "lows")) == pytest.approx(low**beta)
    assert scenarios.relative("whipsaw", "BTC")[-1] == pytest.approx(1.0)  # no net trend
    assert len(scenarios.times["grind"]) == 91 and len(scenarios.times["crash"]) == 31


def test_the_scenario_summary_gives_lows_highs_and_ends_per_asset():
    text = stress_scenarios(("BTC",)).summary()
    assert text.splitlines()[0].startswith("Crash (30 days): BTC low -52.2 %")  # 1 − 0.995**9 × 0.5
    assert "Grind (90 days)" in text and "end -60 %" in text


def test_the_scenario_figure_draws_one_line_per_scenario_as_percent_of_start():
    info = render(draw_stress_scenarios, stress_scenarios(), asset="SOL").info
    assert [line.label for line in info.lines] == ["Crash", "Grind", "Squeeze", "Whipsaw", "Start"]
    assert info.line("Crash").y[0] == 100.0
    assert info.line("Crash").y[10] == pytest.approx(100 * (0.995**9 * 0.55) ** 1.5)
    styles = {(line.color, line.linestyle) for line in info.lines[:4]}
    assert len(styles) == 4
    with pytest.raises(ValueError, match="asset must be one of"):
        render(draw_stress_scenarios, stress_scenarios(("BTC",)), asset="SOL")


def test_a_leg_path_starts_at_its_own_entry_price():
    plan = Portfolio(10_000, (Leg("BTCUSDT", "long", 1, 10, entry_price=30_000),))
    closes, lows, highs = scenario_paths(plan, "crash")
    assert closes["BTCUSDT"][0] == 30_000
    assert lows["BTCUSDT"][10] == pytest.approx(30_000 * 0.995**9 * 0.5)
    assert all(lo <= c <= hi for lo, c, hi in zip(lows["BTCUSDT"], closes["BTCUSDT"], highs["BTCUSDT"]))


def test_adjust_plan_changes_only_the_named_legs_and_resets_their_collateral():
    plan = Portfolio(10_000, (Leg("BTC", "long", 1, 10, collateral=3_000), Leg("ETH", "long", 6, 10, collateral=900)))
    changed = adjust_plan(plan, leverages={"BTC": 20}, modes={"BTC": "cross"})
    btc, eth = changed.legs
    assert (btc.mode, btc.leverage, btc.collateral) == (MarginMode.CROSS, 20, None)
    assert eth == plan.legs[1]
    assert changed.balance == plan.balance and changed.fee_rate == plan.fee_rate


def test_the_stress_test_summary_names_budget_scenarios_and_the_bound():
    test = stress_test(DRAFT_PLAN, budget=1_500, selected="whipsaw")
    lines = test.summary().splitlines()
    assert lines[0] == ("Budget 1,500.00 USDT of a 10,000.00 USDT wallet: within it in 2 of 4 scenarios "
                        "(over in: crash, grind).")
    assert lines[1].startswith("Crash: worst loss 10,000.00 USDT at the day 10 close, OVER")
    assert lines[-2].startswith("The whipsaw day by day")
    assert "the whole wallet" in lines[-1]


def test_the_worst_loss_counts_the_opening_fees_at_step_zero():
    # at step 0 only the opening fee (0.1 % of 2,000) is lost, so the worst loss is at least that
    plan = Portfolio(10_000, (Leg("BTC", "long", 0.1, 1),), fee_rate=0.001)
    whipsaw = stress_test(plan, budget=1_000, scenarios=("whipsaw",)).outcome("whipsaw")
    assert whipsaw.equity[0] == pytest.approx(10_000 - 0.001 * 2_000)
    assert whipsaw.worst_loss >= 2.0


def test_the_bars_alone_can_be_drawn_on_one_axes():
    info = render(draw_stress_test, stress_test(DRAFT_PLAN, budget=1_500, scenarios=("squeeze", "whipsaw"))).info
    assert len(info.axes) == 1
    assert info.bar("Within budget").values[1] == pytest.approx(
        stress_test(DRAFT_PLAN, budget=1_500, scenarios=("whipsaw",)).outcome("whipsaw").worst_loss)
    assert info.ylabel == "Loss at the worst close (USDT)"


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"selected": "grind", "scenarios": ("crash",)}, ValueError, "selected must be one of"),
        ({"days": {"crash": 2}}, ValueError, "days\\['crash'\\] must be a whole number >= 3"),
        ({"days": 30}, TypeError, "days must be a dict"),
        ({"scenarios": ("crash", "crash")}, ValueError, "scenarios must be distinct"),
    ],
)
def test_the_stress_test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        stress_test(DRAFT_PLAN, budget=1_500, **kwargs)
