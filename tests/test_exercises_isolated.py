"""Lesson 2's checks: the most an isolated position can cost, and its liquidation price after
adding margin.

Independent derivations: the maximum loss is what the Account engine takes out of a wallet when
the price crashes through the position (the wallet before opening minus the wallet after the
liquidation); the liquidation price after adding margin is REFERENCE.md §1 worked by hand and
what :meth:`margin_lab.Account.add_margin` gives.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account
from margin_lab.exercises import Feedback
from margin_lab.exercises.isolated import check_liquidation_after_margin, check_max_loss, margin_added
from margin_lab import isolated_allocation

FAST = settings(max_examples=100, deadline=None)


# ---- the most an isolated position can cost ---------------------------------------------------


@FAST
@given(collateral=st.floats(100, 5_000), leverage=st.integers(1, 50), fee_rate=st.sampled_from([0.0, 0.0002, 0.0005]),
       side=st.sampled_from(["long", "short"]))
def test_the_maximum_loss_is_what_the_engine_takes_from_the_wallet_in_a_crash(collateral, leverage, fee_rate, side):
    account = Account(10_000, fee_rate=fee_rate)
    size = collateral * leverage / 20_000
    account.open_isolated("BTCUSDT", side, size, 20_000, collateral=collateral, maintenance=0.0, leverage=leverage)
    account.update({"BTCUSDT": 1.0 if side == "long" else 1_000_000.0})
    lost = 10_000 - account.balance
    assert check_max_loss(lost, collateral, leverage, fee_rate=fee_rate, tolerance=1e-6).correct
    assert lost == pytest.approx(isolated_allocation(10_000, collateral, leverage, fee_rate=fee_rate,
                                                     maintenance_rate=0.0).at_risk)


def test_the_worked_numbers_of_the_lesson_pass_and_the_feedback_states_them():
    # 1,500 at 8x is a 12,000 position; 0.05 % of it is 6: at most 1,506.
    feedback = check_max_loss(1_506, collateral=1_500, leverage=8, fee_rate=0.0005, balance=10_000)
    assert isinstance(feedback, Feedback) and feedback.correct
    assert feedback.message == ("Correct: an isolated position with 1,500.00 of collateral at 8x (0.05 % fee on "
                                "12,000.00) can cost at most 1,506.00; you entered 1,506.")


@pytest.mark.parametrize("answer, hint", [
    (1_500, "That is the collateral alone: the opening fee (6.00) left the wallet too."),
    (10_000, "That is the whole wallet: what a cross position can put at risk."),
    (12_000, "That is the position's value."),
    (1_512, "That adds a closing fee"),
])
def test_common_slips_get_their_own_hint(answer, hint):
    feedback = check_max_loss(answer, collateral=1_500, leverage=8, fee_rate=0.0005, balance=10_000)
    assert not feedback.correct and hint in feedback.message
    assert "can cost at most 1,506.00" in feedback.message


def test_without_a_fee_the_collateral_is_the_answer_and_gets_no_fee_hint():
    feedback = check_max_loss(2_000, collateral=2_000, leverage=10)
    assert feedback.correct and "fee" not in feedback.message.split(";")[1]


@pytest.mark.parametrize("bad, match", [
    ({"answer": float("nan")}, "answer must be a finite number"),
    ({"answer": "1506"}, "answer must be a real number"),
    ({"collateral": -1}, "collateral must be a finite number > 0"),
    ({"fee_rate": 1.5}, "fee_rate must be"),
    ({"tolerance": -1}, "tolerance must be"),
])
def test_bad_input_to_the_maximum_loss_check_is_refused_by_name(bad, match):
    arguments = {"answer": 1_506, "collateral": 1_500, "leverage": 8, "fee_rate": 0.0005} | bad
    with pytest.raises((ValueError, TypeError), match=match):
        check_max_loss(**arguments)


# ---- the liquidation price after adding margin -------------------------------------------------


def _by_hand(side, collateral, rate=0.005):
    s = 1 if side == "long" else -1
    return (20_000 - s * collateral) / (1 - s * rate)  # REFERENCE.md §1, one BTC, mark basis


@pytest.mark.parametrize("side", ["long", "short"])
def test_the_liquidation_price_after_adding_margin_matches_the_account_and_the_formula(side):
    account = Account(10_000)
    account.open_isolated("BTCUSDT", side, 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    after = account.add_margin("BTCUSDT", 500).liquidation_price
    assert after == pytest.approx(_by_hand(side, 2_500))
    assert check_liquidation_after_margin(round(after, 2), side, 20_000, 1, 2_000, 500, 0.005).correct
    change = margin_added(side, 20_000, 1, collateral=2_000, added=500, maintenance_rate=0.005)
    assert change.liquidation_after == pytest.approx(after)
    assert change.liquidation_before == pytest.approx(_by_hand(side, 2_000))


@pytest.mark.parametrize("answer, hint", [
    (18_090.45, "That is the liquidation price before adding: the added margin joins the collateral, "
                "2,000.00 + 500.00 = 2,500.00."),
    (17_500.0, "That is the bankruptcy price"),
    (18_592.96, "That takes the margin away"),
    (22_388.06, "That is where a short would be liquidated")  # (20,000 + 2,500) / 1.005,
])
def test_slips_after_adding_margin_get_their_own_hint(answer, hint):
    feedback = check_liquidation_after_margin(answer, "long", 20_000, 1, 2_000, 500, 0.005)
    assert not feedback.correct and hint in feedback.message
    assert "after adding 500.00 the long's liquidation price is 17,587.94" in feedback.message


def test_the_entry_basis_is_followed_when_asked():
    # Bybit's example (REFERENCE.md §1): 400 collateral -> 19,700; with 100 more: 20,000 − (500 − 100) = 19,600.
    assert check_liquidation_after_margin(19_600, "long", 20_000, 1, 400, 100, 0.005, basis="entry").correct


def test_enough_margin_leaves_no_liquidation_price_and_zero_is_the_answer():
    assert check_liquidation_after_margin(0, "long", 20_000, 1, 10_000, 10_000, 0.005).correct
    assert not check_liquidation_after_margin(1_000, "long", 20_000, 1, 10_000, 10_000, 0.005).correct


@FAST
@given(collateral=st.floats(500, 10_000), added=st.floats(1, 5_000), side=st.sampled_from(["long", "short"]))
def test_adding_margin_always_moves_the_liquidation_price_away_from_the_entry(collateral, added, side):
    change = margin_added(side, 20_000, 1, collateral=collateral, added=added, maintenance_rate=0.005)
    assert change.distance(change.liquidation_after) > change.distance(change.liquidation_before)
    assert change.leverage_after < change.leverage_before
    assert "moves away from the entry" in change.summary()


def test_the_margin_added_summary_gives_the_numbers_of_the_lesson():
    change = margin_added("long", 20_000, 1, collateral=2_000, added=1_000, maintenance_rate=0.005)
    assert change.summary() == (
        "Adding 1,000.00 USDT to the 2,000.00 USDT collateral of a long of 1 BTC at 20,000.00: the effective "
        "leverage falls from 10x to 6.67x.\n"
        "The liquidation price moves away from the entry: from 18,090.45 (9.55 % below it) to 17,085.43 "
        "(14.57 % below it).")


def test_margin_added_refuses_nothing_added():
    with pytest.raises(ValueError, match="added must be a finite number > 0"):
        margin_added("long", 20_000, 1, collateral=2_000, added=0, maintenance_rate=0.005)
