"""Lesson 4's exercise check: the least margin to add so an isolated position survives a move.

The right answer is checked two independent ways: against the liquidation-price formula run
forward (REFERENCE.md §1: with the answer added, the liquidation price sits at the target), and
against the account engine replaying the lesson's dip path (just above the answer survives,
just below is liquidated). Each common mistake must get its own hint.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import liquidation_price
from margin_lab.exercises import Feedback
from margin_lab.exercises.manage import check_margin_to_add
from margin_lab import managed_position

LESSON = dict(side="long", entry_price=20_000, size=1, collateral=2_000, maintenance_rate=0.005, move=0.15)


def test_the_lesson_answer_is_right_and_written_out_in_the_verdict():
    # 20,000 − 17,000 × (1 − 0.005) − 2,000 = 1,085 (REFERENCE.md §1 solved for the collateral)
    feedback = check_margin_to_add(1_085, **LESSON)
    assert isinstance(feedback, Feedback) and feedback.correct
    assert "add 1,085.00" in feedback.message and "17,000.00" in feedback.message
    assert repr(feedback) == feedback.message


def test_the_answer_is_just_enough_on_the_engine_replaying_the_dip():
    assert managed_position("dip", add_margin=1_085 + 3).outcome == "open"
    assert managed_position("dip", add_margin=1_085 - 3).outcome == "liquidated"


def test_a_short_mirrors_the_long_with_its_own_rate_sign():
    # short: liquidation at 23,000 needs M = 23,000 × 1.005 − 20,000 = 3,115
    assert check_margin_to_add(1_115, **{**LESSON, "side": "short"}).correct
    assert not check_margin_to_add(1_085, **{**LESSON, "side": "short"}).correct


@pytest.mark.parametrize("answer, hint", [
    (3_085, "That is the whole collateral the position needs"),
    (1_000, "moves the bankruptcy price there"),
    (3_000, "That is the loss of the whole move"),
    (1_500, "more than the least amount"),
    (500, "the liquidation price is 17,587.94"),
    (-10, "positive number"),
])
def test_each_common_mistake_gets_its_own_hint(answer, hint):
    feedback = check_margin_to_add(answer, **LESSON)
    assert not feedback.correct and hint in feedback.message


def test_a_position_already_safe_needs_nothing():
    feedback = check_margin_to_add(0, **{**LESSON, "collateral": 5_000})
    assert feedback.correct and "so add 0" in feedback.message


def test_the_tolerance_is_one_percent_by_default_and_can_be_set():
    assert check_margin_to_add(1_095, **LESSON).correct
    assert not check_margin_to_add(1_097, **LESSON).correct
    assert check_margin_to_add(1_100, **LESSON, tolerance=20).correct


def test_bad_input_is_refused_naming_the_argument():
    with pytest.raises(TypeError, match="answer must be a real number"):
        check_margin_to_add("1085", **LESSON)
    with pytest.raises(ValueError, match="answer must be a finite number"):
        check_margin_to_add(float("nan"), **LESSON)
    with pytest.raises(ValueError, match=r"move must be in \(0, 1\)"):
        check_margin_to_add(1_085, **{**LESSON, "move": 15})
    with pytest.raises(ValueError, match="side must be one of"):
        check_margin_to_add(1_085, **{**LESSON, "side": "up"})


@settings(max_examples=150, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    leverage=st.floats(2, 100),
    move=st.floats(0.02, 0.5),
    rate=st.floats(0.001, 0.02),
)
def test_with_the_expected_amount_added_the_liquidation_price_sits_at_the_target(side, leverage, move, rate):
    entry, size = 20_000.0, 1.0
    collateral = entry * size / leverage
    sign = 1 if side == "long" else -1
    target = entry * (1 - sign * move)
    needed = sign * size * (entry - target * (1 - sign * rate))  # written out from REFERENCE.md §1
    add = max(0.0, needed - collateral)
    feedback = check_margin_to_add(add, side, entry, size, collateral, rate, move)
    assert feedback.correct, feedback.message
    if add > 0:
        assert liquidation_price(side, entry, size, collateral + add, rate) == pytest.approx(target, rel=1e-9)
