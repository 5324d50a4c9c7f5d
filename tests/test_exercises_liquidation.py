"""Lesson 3 exercise checks: the cushion at liquidation and tiered liquidation prices.

Expected values are closed forms derived here from REFERENCE.md §1, or REFERENCE.md's worked
examples (source given); each common mistake is computed here independently and must get its hint.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import margin_lab as ml
from margin_lab import MaintenanceSchedule
from margin_lab.exercises.liquidation import check_liquidation_cushion, check_tiered_liquidation_price
from margin_lab.venues import BINANCE_EXAMPLE_BRACKETS

FAST = settings(max_examples=150, deadline=None)

#: REFERENCE.md §1, Binance's example brackets (ADA/BUSD).
BRACKETS = MaintenanceSchedule([(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15),
                                (2_000_000, 0.25), (5_000_000, 0.50)])


# ---------------------------------------------------------------------------------------------
# The cushion.


@FAST
@given(side=st.sampled_from(["long", "short"]), leverage=st.floats(1.5, 100), rate_share=st.floats(0.01, 0.9))
def test_the_cushion_is_the_maintenance_margin_at_the_liquidation_price(side, leverage, rate_share):
    # Mark basis: P = (EP − s·M/Q)/(1 − s·r), and there equity = r·Q·P.
    rate, s = rate_share / leverage, 1 if side == "long" else -1
    collateral = 20_000 / leverage
    at = (20_000 - s * collateral) / (1 - s * rate)
    cushion = rate * at
    assert check_liquidation_cushion(cushion, side, 20_000, 1, collateral, rate).correct
    assert not check_liquidation_cushion(cushion * 1.02 + 0.05, side, 20_000, 1, collateral, rate).correct


def test_the_bybit_example_keeps_the_entry_value_maintenance_as_its_cushion():
    # REFERENCE.md §1, Bybit USDT isolated: long 1 BTC at 20,000, 50x, IM 400, MM 100, P_liq 19,700.
    feedback = check_liquidation_cushion(100, "long", 20_000, 1, 400, 0.005, basis="entry")
    assert feedback.correct and "100.00 USDT" in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (0, "not at 0 % margin"),
        (2_000, "whole collateral"),
        (2_000 - 0.005 * 18_000 / 0.995, "what the price move cost"),
        (100, "maintenance margin at the entry price"),
    ],
)
def test_each_common_cushion_mistake_gets_its_own_hint(answer, hint):
    feedback = check_liquidation_cushion(answer, "long", 20_000, 1, 2_000, 0.005)
    assert not feedback.correct and hint in feedback.message
    assert "90.45 USDT" in feedback.message  # 0.5 % of 18,090.45


def test_a_right_cushion_gets_no_hint_and_the_explanation_is_kept():
    feedback = check_liquidation_cushion(90.45, "long", 20_000, 1, 2_000, 0.005, explanation="BitMEX keeps it.")
    assert feedback.message == ("Correct: the equity left at the liquidation price is 90.45 USDT; you entered "
                                "90.45 USDT. BitMEX keeps it.")


def test_the_cushion_check_refuses_nan_and_a_position_no_price_liquidates():
    with pytest.raises(ValueError, match="answer must be"):
        check_liquidation_cushion(float("nan"), "long", 20_000, 1, 2_000, 0.005)
    with pytest.raises(ValueError, match="collateral must leave a positive liquidation price"):
        check_liquidation_cushion(0, "long", 100, 1, 100, 0.01)


# ---------------------------------------------------------------------------------------------
# Tiered liquidation price.


def test_the_tier_of_the_liquidation_notional_applies():
    # 30 BTC long at 20,000, 3x: entry notional 600,000 (10 %); the 10 % formula lands at a
    # notional of ~413,889, in the 5 % bracket (amount 2,500), whose own solution stays there.
    expected = (20_000 - (200_000 + 2_500) / 30) / (1 - 0.05)
    assert 100_000 <= 30 * expected < 500_000
    assert check_tiered_liquidation_price(expected, "long", 20_000, 30, 200_000, BRACKETS).correct
    # The same brackets as margin_lab holds them (Binance's worked example, not a preset's market).
    assert check_tiered_liquidation_price(expected, "long", 20_000, 30, 200_000, BINANCE_EXAMPLE_BRACKETS).correct


@pytest.mark.parametrize(
    "answer, hint",
    [
        ((20_000 - (200_000 + 27_500) / 30) / (1 - 0.10), "keeps the entry tier (10 %, amount 27,500)"),
        ((20_000 - 200_000 / 30) / (1 - 0.10), "without its maintenance amount (27,500)"),
        (20_000 - 200_000 / 30, "bankruptcy price"),
    ],
)
def test_each_common_tier_mistake_gets_its_own_hint(answer, hint):
    feedback = check_tiered_liquidation_price(answer, "long", 20_000, 30, 200_000, BRACKETS)
    assert not feedback.correct and hint in feedback.message
    assert "13,947.37" in feedback.message


def test_a_short_climbs_into_a_higher_tier_and_the_check_knows():
    # 4.5 BTC short at 20,000, 3x: entry notional 90,000 (2.5 %); at the 2.5 % price the notional
    # passes 100,000, so the 5 % bracket with amount 2,500 applies: (20,000 + 32,500/4.5) / 1.05.
    expected = (20_000 + (30_000 + 2_500) / 4.5) / (1 + 0.05)
    assert check_tiered_liquidation_price(expected, "short", 20_000, 4.5, 30_000, BRACKETS).correct
    kept = (20_000 + 30_000 / 4.5) / (1 + 0.025)
    wrong = check_tiered_liquidation_price(kept, "short", 20_000, 4.5, 30_000, BRACKETS)
    assert not wrong.correct and "which falls in tier 2 (5 %, amount 2,500)" in wrong.message


def test_no_liquidation_price_means_zero_is_right():
    assert check_tiered_liquidation_price(0, "long", 20_000, 1, 20_000, BRACKETS).correct
    assert not check_tiered_liquidation_price(19_000, "long", 20_000, 1, 20_000, BRACKETS).correct


def test_lesson_names_resolve_from_margin_lab():
    assert ml.check_liquidation_cushion is check_liquidation_cushion
    assert ml.check_tiered_liquidation_price is check_tiered_liquidation_price
