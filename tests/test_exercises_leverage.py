"""Lesson 1's checks: margin level (equity / maintenance) and margin ratio (maintenance / equity).

The worked example is derived here by hand: a 10x short of 2 ETH at 3,000 has 600 collateral;
at a mark of 3,200 it has lost 2 × 200 = 400, so equity is 200; 1 % maintenance on 2 × 3,200 is
64; level 200 / 64 = 312.5 %, ratio 64 / 200 = 32 %.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account
from margin_lab.exercises import Feedback
from margin_lab.exercises.leverage import check_margin_level, check_margin_ratio

FAST = settings(max_examples=120, deadline=None)
SHORT = ("short", 2, 3_000, 3_200, 600, 0.01)


def test_the_right_level_and_ratio_pass_and_the_feedback_states_them():
    level = check_margin_level(312.5, *SHORT)
    ratio = check_margin_ratio(32, *SHORT)
    assert isinstance(level, Feedback) and level.correct and ratio.correct
    assert level.message.startswith("Correct: the margin level (equity / maintenance margin, OKX style)")
    assert "is 312.50 %" in level.message and "is 32.00 %" in ratio.message


def test_the_other_convention_is_recognised_both_ways():
    wrong_level = check_margin_level(32, *SHORT)
    wrong_ratio = check_margin_ratio(312.5, *SHORT)
    assert not wrong_level.correct and not wrong_ratio.correct
    assert "That is the margin ratio (maintenance margin / equity, Binance style)" in wrong_level.message
    assert "That is the margin level (equity / maintenance margin, OKX style)" in wrong_ratio.message


@pytest.mark.parametrize("check, answer, hint", [
    (check_margin_level, 3.125, "That looks like a fraction"),
    (check_margin_ratio, 0.32, "That looks like a fraction"),
    (check_margin_level, 937.5, "uses the collateral in place of the equity"),  # 600 / 64
    (check_margin_ratio, 10.67, "uses the collateral in place of the equity"),  # 64 / 600
    (check_margin_level, 33.33, "divides the equity by the collateral"),  # 200 / 600
])
def test_common_mistakes_get_their_hint(check, answer, hint):
    feedback = check(answer, *SHORT)
    assert not feedback.correct and hint in feedback.message


def test_an_unrecognised_wrong_answer_gets_the_right_number_and_the_gap_only():
    feedback = check_margin_level(300, *SHORT, explanation="Level = equity / maintenance.")
    assert feedback.message == (
        "Not quite: the margin level (equity / maintenance margin, OKX style) is 312.50 %; "
        "you entered 300 %, 12.50 % too low. Level = equity / maintenance."
    )


def test_the_default_tolerance_is_half_a_percent_of_the_answer_and_can_be_set():
    assert check_margin_level(311, *SHORT).correct  # within 1.5625 points
    assert not check_margin_level(310, *SHORT).correct
    assert check_margin_level(310, *SHORT, tolerance=3).correct


@FAST
@given(side=st.sampled_from(["long", "short"]), leverage=st.floats(1.5, 50), move=st.floats(-0.04, 0.04),
       rate=st.floats(0.001, 0.009))
def test_the_account_engines_margin_level_passes_both_checks(side, leverage, move, rate):
    mark = 100 * (1 + move)
    collateral = 1_000 / leverage
    account = Account(10_000)
    account.open_isolated("X", side, 10, 100, collateral, rate)
    account.set_marks({"X": mark})
    level = account.positions["X"].margin_level
    if level <= 0:
        return
    assert check_margin_level(100 * level, side, 10, 100, mark, collateral, rate).correct
    assert check_margin_ratio(100 / level, side, 10, 100, mark, collateral, rate).correct


@pytest.mark.parametrize("check, arguments, message", [
    (check_margin_level, (float("nan"), *SHORT), "answer_percent"),
    (check_margin_level, ("312", *SHORT), "answer_percent"),
    (check_margin_level, (312.5, "up", 2, 3_000, 3_200, 600, 0.01), "side"),
    (check_margin_level, (312.5, "short", 2, 3_000, 3_200, 0, 0.01), "collateral"),
    (check_margin_level, (312.5, "short", 2, 3_000, 3_200, 600, 1.5), "maintenance_rate"),
    (check_margin_ratio, (50, "short", 2, 3_000, 3_400, 600, 0.01), "mark_price must leave the position some equity"),
])
def test_bad_input_is_refused_by_name(check, arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        check(*arguments)


def test_a_negative_equity_still_has_a_margin_level():
    # Past bankruptcy (mark 3,400: equity 600 − 800 = −200) the level is −200 / 68 ≈ −294.12 %.
    assert check_margin_level(-294.12, "short", 2, 3_000, 3_400, 600, 0.01).correct
