"""Tests for margin_lab.exercises.capstone (and the stress test it stands on).

Expected losses are derived independently where possible: an all-isolated plan's worst loss is
bounded by a hand sum of collateral and fees; a cross leg the crash liquidates takes the whole
wallet (the crash's low is 0.995**9 × 0.5 of the start, margin_lab.scenarios); an unliquidated
1x long loses size × the move; a cross leg's leverage setting changes nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import margin_lab as ml
from margin_lab.exercises import Feedback
from margin_lab.exercises.capstone import PlanVerdict, check_plan, check_worst_case_loss
from margin_lab.studies.capstone import DRAFT_PLAN, adjust_plan, stress_test, worst_case_loss
from margin_lab.replay import Leg, Portfolio

START = {"BTC": 20_000.0, "ETH": 1_000.0, "SOL": 100.0}  # ASSET_DEFAULTS start prices
CRASH_DAY_CLOSE = 0.995**9 * 0.55  # nine days of -0.5 %, then the crash day closes at 55 % of its open
CRASH_LOW = 0.995**9 * 0.50  # ... with a low at 50 % of its open


def _hand_bound(plan: Portfolio) -> float:
    """Σ size × entry / leverage + fee × Σ size × entry, written out apart from the library."""
    total = 0.0
    for leg in plan.legs:
        value = leg.size * START[leg.symbol]
        total += value / leg.leverage + plan.fee_rate * value
    return total


legs = st.lists(
    st.tuples(st.sampled_from(["BTC", "ETH", "SOL"]), st.sampled_from(["long", "short"]),
              st.floats(min_value=0.1, max_value=1.0), st.floats(min_value=2, max_value=50)),
    min_size=1, max_size=3, unique_by=lambda leg: leg[0],
)


@settings(max_examples=25, deadline=None)
@given(chosen=legs, fee_rate=st.sampled_from([0.0, 0.0005, 0.001]))
def test_an_all_isolated_plan_never_loses_more_than_its_collateral_plus_fees(chosen, fee_rate):
    # sizes as a share of 10,000 of value, so every plan fits a 50,000 wallet
    plan = Portfolio(50_000, tuple(Leg(s, side, share * 10_000 / START[s], lev) for s, side, share, lev in chosen),
                     fee_rate=fee_rate)
    bound = _hand_bound(plan)
    assert worst_case_loss(plan) == pytest.approx(bound, rel=1e-12)
    for outcome in stress_test(plan, budget=bound).outcomes:
        assert outcome.worst_loss <= bound + 1e-6, outcome.summary()
        assert outcome.passed


def test_an_isolated_long_liquidated_in_the_crash_loses_exactly_its_collateral():
    plan = Portfolio(10_000, (Leg("BTC", "long", size=1, leverage=10),))
    crash = stress_test(plan, budget=2_000, scenarios=("crash",)).outcome("crash")
    assert crash.liquidated == ("BTC",)
    assert crash.worst_loss == pytest.approx(2_000)  # 20,000 / 10, nothing more
    assert crash.passed


def test_a_cross_leg_the_crash_liquidates_takes_the_whole_wallet():
    # 1 BTC long falls to 20,000 × CRASH_LOW: a loss of 20,000 × (1 − 0.478) > the 10,000 wallet
    assert 20_000 * (1 - CRASH_LOW) > 10_000
    plan = Portfolio(10_000, (Leg("BTC", "long", size=1, leverage=10, mode="cross"),))
    crash = stress_test(plan, budget=1_500, scenarios=("crash",)).outcome("crash")
    assert crash.worst_loss == pytest.approx(10_000)
    assert crash.equity[-1] == 0.0
    assert worst_case_loss(plan) == 10_000.0


def test_an_unliquidated_one_x_long_loses_its_size_times_the_move():
    plan = Portfolio(10_000, (Leg("BTC", "long", size=0.3, leverage=1),))
    crash = stress_test(plan, budget=1_500, scenarios=("crash",)).outcome("crash")
    assert crash.liquidated == ()
    assert crash.worst_day == 10
    assert crash.worst_loss == pytest.approx(0.3 * 20_000 * (1 - CRASH_DAY_CLOSE))


def test_a_cross_legs_leverage_setting_changes_no_outcome():
    low = stress_test(adjust_plan(DRAFT_PLAN, leverages={"ETH": 3, "SOL": 3}), budget=1_500)
    high = stress_test(adjust_plan(DRAFT_PLAN, leverages={"ETH": 50, "SOL": 50}), budget=1_500)
    assert [o.equity for o in low.outcomes] == [o.equity for o in high.outcomes]


def test_an_isolated_legs_leverage_sets_what_it_can_lose():
    at_10 = stress_test(adjust_plan(DRAFT_PLAN.in_mode("isolated"), leverages={"BTC": 10}), budget=1_500)
    at_20 = stress_test(adjust_plan(DRAFT_PLAN.in_mode("isolated"), leverages={"BTC": 20}), budget=1_500)
    lost = [[e.loss for e in run.outcome("grind").liquidations if e.symbol == "BTC"] for run in (at_10, at_20)]
    assert lost == [[pytest.approx(2_000)], [pytest.approx(1_000)]]


def test_a_hedged_pair_survives_the_whipsaw_in_cross_but_loses_its_short_leg_isolated():
    # SOL (beta 1.5) closes day 1 at 1.09**1.5 with a high 3 % above: +18.9 %, past a 10x short's ~9.5 %
    assert 1.09**1.5 * 1.03**1.5 - 1 > 0.1
    pair = Portfolio(10_000, (Leg("ETH", "long", 6, 10, mode="cross"), Leg("SOL", "short", 48, 10, mode="cross")))
    cross = stress_test(pair, budget=1_500, scenarios=("whipsaw",)).outcome("whipsaw")
    isolated = stress_test(pair.in_mode("isolated"), budget=1_500, scenarios=("whipsaw",)).outcome("whipsaw")
    assert cross.liquidated == ()
    assert isolated.liquidated == ("SOL",) and isolated.liquidation_day("SOL") == 1
    assert isolated.worst_loss > cross.worst_loss


def test_the_all_cross_draft_fails_with_a_hint_to_isolate_the_btc_long():
    verdict = check_plan(DRAFT_PLAN, budget=1_500)
    assert isinstance(verdict, PlanVerdict) and isinstance(verdict, Feedback)
    assert not verdict.correct
    assert verdict.stress.failed == ("crash", "grind")
    assert "lost the whole wallet" in verdict.hints[0]
    assert "isolate the 10x BTC long" in verdict.hints[0]
    assert repr(verdict) == verdict.message and verdict.message.startswith("Not quite")


def test_isolating_everything_at_10x_still_fails_because_one_leg_holds_more_than_the_budget():
    verdict = check_plan(DRAFT_PLAN.in_mode("isolated"), budget=1_500)
    assert not verdict.correct
    assert any("BTC long was liquidated and lost 2,000.00, more than the whole 1,500.00 budget" in h
               for h in verdict.hints)
    assert "3,095.40" in verdict.message  # 2,000 + 600 + 480 of collateral + 0.05 % of 30,800


def test_the_btc_long_isolated_at_20x_with_the_pair_in_cross_passes_every_scenario():
    plan = adjust_plan(DRAFT_PLAN, modes={"BTC": "isolated"}, leverages={"BTC": 20})
    verdict = check_plan(plan, budget=1_500, ideas=DRAFT_PLAN)
    assert verdict.correct, verdict.message
    assert verdict.hints == ()
    assert "isolated caps a loss, it does not prevent it" in verdict.message
    assert all(o.worst_loss <= 1_500 for o in verdict.outcomes)


def test_a_plan_that_drops_a_trade_idea_is_not_accepted_even_within_budget():
    smaller = adjust_plan(DRAFT_PLAN.in_mode("isolated"), sizes={"BTC": 0.1})
    verdict = check_plan(smaller, budget=1_500, ideas=DRAFT_PLAN)
    assert verdict.stress.passed and not verdict.correct
    assert "keep the trade ideas" in verdict.message


def test_an_unliquidated_loss_gets_a_size_hint():
    verdict = check_plan(Portfolio(10_000, (Leg("BTC", "long", size=0.3, leverage=1),)), budget=1_000,
                         scenarios=("crash",))
    assert "nothing was liquidated" in verdict.hints[0] and "Cut its size" in verdict.hints[0]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: check_plan(DRAFT_PLAN, budget=0), ValueError, "budget must be a finite number > 0"),
        (lambda: check_plan(DRAFT_PLAN, scenarios=("meltdown",)), ValueError, "scenarios must be distinct names"),
        (lambda: check_plan({"BTC": "long"}), TypeError, "plan must be a Portfolio"),
        (lambda: check_plan(Portfolio(10_000, (Leg("DOGE", "long", 1, 5),))), ValueError, "symbol must start with"),
        (lambda: check_plan(DRAFT_PLAN, ideas="BTC long"), TypeError, "ideas must be a Portfolio"),
        (lambda: check_worst_case_loss(float("nan"), DRAFT_PLAN), ValueError, "answer must be a finite number"),
        (lambda: adjust_plan(DRAFT_PLAN, modes={"XRP": "cross"}), ValueError, "modes must name legs of the plan"),
    ],
)
def test_bad_input_is_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()


ISOLATED = Portfolio(10_000, (Leg("BTC", "long", 1, 20), Leg("ETH", "long", 6, 10), Leg("SOL", "short", 48, 10)),
                     fee_rate=0.0005)


def test_the_worst_case_of_an_isolated_plan_is_its_collateral_plus_fees():
    expected = 20_000 / 20 + 6_000 / 10 + 4_800 / 10 + 0.0005 * (20_000 + 6_000 + 4_800)
    assert check_worst_case_loss(expected, ISOLATED).correct
    assert check_worst_case_loss(2_095.40, ISOLATED).correct


@pytest.mark.parametrize(
    "answer, hint",
    [
        (2_080, "collateral alone"),
        (30_800, "positions' value"),
        (10_000, "only with a cross leg"),
    ],
)
def test_the_worst_case_check_names_the_usual_slips(answer, hint):
    feedback = check_worst_case_loss(answer, ISOLATED)
    assert not feedback.correct and hint in feedback.message
    assert "2,095.40" in feedback.message


def test_with_a_cross_leg_the_worst_case_is_the_whole_wallet():
    mixed = adjust_plan(ISOLATED, modes={"ETH": "cross"})
    assert check_worst_case_loss(10_000, mixed).correct
    feedback = check_worst_case_loss(2_095.40, mixed)
    assert not feedback.correct and "whole wallet" in feedback.message


def test_the_checks_are_reachable_from_margin_lab():
    assert ml.check_plan is check_plan and ml.check_worst_case_loss is check_worst_case_loss
