"""Exercise checks: right answers pass, wrong ones get the right number and the gap explained.

Expected values are REFERENCE.md worked examples (source given) or closed forms derived here.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab.exercises import (
    Feedback,
    check_equity,
    check_initial_margin,
    check_liquidation_distance,
    check_liquidation_price,
    check_number,
)

FAST = settings(max_examples=150, deadline=None)


def test_feedback_is_frozen_and_its_repr_is_its_message():
    feedback = Feedback(True, "Correct: 400.")
    assert repr(feedback) == str(feedback) == "Correct: 400."
    with pytest.raises(dataclasses.FrozenInstanceError):
        feedback.correct = False  # type: ignore[misc]


def test_check_number_accepts_within_tolerance_and_explains_the_gap_otherwise():
    assert check_number(101, 100, tolerance=1).correct
    wrong = check_number(103, 100, tolerance=1, what="the margin", unit=" USDT", explanation="IM = Q·EP / L.")
    assert not wrong.correct
    assert wrong.message == ("Not quite: the margin is 100.00 USDT; you entered 103 USDT, 3.00 USDT too high. "
                             "IM = Q·EP / L.")
    assert "too low" in check_number(90, 100).message
    assert check_number(100.4, 100).correct and not check_number(100.6, 100).correct  # default 0.5 %


@pytest.mark.parametrize("check, arguments", [
    (check_number, (100,)),
    (check_initial_margin, (1, 20_000, 50)),
    (check_equity, ("long", 1, 20_000, 19_000, 2_000)),
    (check_liquidation_price, ("long", 20_000, 1, 400, 0.005)),
])
def test_every_check_refuses_a_nan_answer_by_name(check, arguments):
    with pytest.raises(ValueError, match=r"answer must be a finite number, got nan"):
        check(math.nan, *arguments)
    with pytest.raises(TypeError, match="answer must be a real number"):
        check("18090", *arguments)


def test_check_liquidation_distance_refuses_nan_and_impossible_settings():
    with pytest.raises(ValueError, match="answer_percent must be a finite number"):
        check_liquidation_distance(math.nan, "long", 20, 0.005)
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, 0.02\) \(below the initial margin rate"):
        check_liquidation_distance(1, "long", 50, 0.02)
    with pytest.raises(ValueError, match=r"fee_rate must be in \[0, 0.01\].*a percent typed as a fraction"):
        check_liquidation_distance(1, "long", 10, 0.005, fee_rate=0.05)
    with pytest.raises(ValueError, match="tolerance"):
        check_number(1, 1, tolerance=-1)


# ---- liquidation distance -----------------------------------------------------------------------


def test_fifty_x_with_half_a_percent_is_liquidated_after_one_and_a_half_percent():
    # REFERENCE.md §4: "50x with 0.5 % MMR: 1.5 %".
    assert check_liquidation_distance(1.5, "long", leverage=50, maintenance_rate=0.005).correct


def test_twenty_x_distance_feedback_states_the_number_and_the_answer():
    feedback = check_liquidation_distance(5, "long", leverage=20, maintenance_rate=0.005)
    assert not feedback.correct
    assert "at 20x isolated with 0.5 % maintenance, a long is liquidated after a 4.52 % fall" in feedback.message
    assert "you entered 5 %" in feedback.message
    assert "1/leverage" in feedback.message  # 5 % is the bankruptcy move
    assert check_liquidation_distance(4.5, "long", 20, 0.005).correct  # the shortcut 1/L − r


def test_a_distance_typed_as_a_fraction_gets_a_hint():
    feedback = check_liquidation_distance(0.0452, "long", 20, 0.005)
    assert not feedback.correct and "fraction" in feedback.message


def test_ten_x_is_about_nine_and_a_half_percent_not_ten():
    # LESSON_SPECS 03 / REFERENCE.md §4: "10x with 0.5 %: ~9.5 %".
    assert check_liquidation_distance(9.5, "long", 10, 0.005).correct
    assert not check_liquidation_distance(10, "long", 10, 0.005).correct


@FAST
@given(
    side=st.sampled_from(["long", "short"]),
    leverage=st.floats(1.5, 100),
    rate_share=st.floats(0, 0.9),
    fee_share=st.floats(0, 0.09),
)
def test_the_hand_derived_distance_passes_and_a_clear_miss_fails(side, leverage, rate_share, fee_share):
    rate, fee = rate_share / leverage, min(fee_share / leverage, 0.01)  # fees above 1 % are refused
    k = rate + fee
    exact = 100 * (1 / leverage - k) / ((1 - k) if side == "long" else (1 + k))
    assert check_liquidation_distance(exact, side, leverage, rate, fee_rate=fee).correct
    miss = exact + max(0.2, 0.05 * exact)
    assert not check_liquidation_distance(miss, side, leverage, rate, fee_rate=fee).correct


# ---- liquidation price --------------------------------------------------------------------------


@pytest.mark.parametrize("answer, arguments, keywords", [
    # REFERENCE.md §1, Bybit USDT isolated: 19,700.
    (19_700, ("long", 20_000, 1, 400, 0.005), {"basis": "entry"}),
    # REFERENCE.md §1, BitMEX cross: 510 (the wallet backs the position).
    (510, ("long", 1_000, 20, 10_000, 0.01), {"basis": "entry"}),
    # REFERENCE.md §1, Binance one-way, isolated reading: 1,114.78.
    (1_114.78, ("long", 1456.84, 3683.979, 1_535_443.01, 0.10), {"maintenance_amount": 135_365}),
    # STYLE.md / REFERENCE.md: 10x long, 2,000 collateral, 0.5 % at the mark: 18,090.45.
    (18_090.45, ("long", 20_000, 1, 2_000, 0.005), {}),
])
def test_reference_liquidation_prices_are_accepted(answer, arguments, keywords):
    assert check_liquidation_price(answer, *arguments, **keywords).correct


def test_the_bankruptcy_price_is_recognised_as_a_mistake():
    feedback = check_liquidation_price(19_600, "long", 20_000, 1, 400, 0.005, basis="entry")
    assert not feedback.correct
    assert "19,700.00" in feedback.message and "you entered 19,600" in feedback.message
    assert "bankruptcy price" in feedback.message


def test_the_other_side_and_the_other_basis_are_recognised_as_mistakes():
    short = check_liquidation_price(18_090.45, "short", 20_000, 1, 2_000, 0.005)
    assert not short.correct and "where a long would be liquidated" in short.message
    # 2x long, 20 % maintenance: at the mark 20,000·0.5/0.8 = 12,500; on the entry value
    # EP − (M − r·Q·EP)/Q = 20,000 − (10,000 − 4,000) = 14,000.
    assert check_liquidation_price(12_500, "long", 20_000, 1, 10_000, 0.2).correct
    entry = check_liquidation_price(14_000, "long", 20_000, 1, 10_000, 0.2)
    assert not entry.correct and "on the entry value" in entry.message


def test_a_position_no_price_can_liquidate_takes_zero_for_none():
    assert check_liquidation_price(0, "long", 100, 1, 100, 0.01).correct
    assert not check_liquidation_price(50, "long", 100, 1, 100, 0.01).correct


# ---- initial margin and equity ------------------------------------------------------------------


def test_initial_margin_of_the_bybit_example():
    # REFERENCE.md §1 (Bybit): 1 BTC at 20,000 with 50x needs 400.
    assert check_initial_margin(400, 1, 20_000, 50).correct
    assert "divided by the leverage" in check_initial_margin(20_000, 1, 20_000, 50).message
    assert "multiplies by the leverage" in check_initial_margin(1_000_000, 1, 20_000, 50).message


@FAST
@given(
    side=st.sampled_from(["long", "short"]),
    size=st.floats(0.01, 100),
    entry=st.floats(100, 100_000),
    move=st.floats(-0.5, 0.5),
    collateral=st.floats(1, 1e6),
)
def test_equity_is_collateral_plus_the_signed_move(side, size, entry, move, collateral):
    mark = entry * (1 + move)
    s = 1 if side == "long" else -1
    equity = collateral + s * size * (mark - entry)
    assert check_equity(equity, side, size, entry, mark, collateral).correct
    assert not check_equity(equity + max(1.0, 0.01 * abs(equity)), side, size, entry, mark, collateral).correct


def test_equity_mistakes_get_hints():
    assert "P&L alone" in check_equity(-1_000, "long", 1, 20_000, 19_000, 2_000).message
    assert "sign" in check_equity(3_000, "long", 1, 20_000, 19_000, 2_000).message
    assert "collateral alone" in check_equity(2_000, "short", 1, 20_000, 19_000, 2_000).message
    assert check_equity(3_000, "short", 1, 20_000, 19_000, 2_000).correct
