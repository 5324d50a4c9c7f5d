"""The exercise checks of lessons 01, 03 and 05 name the common slips of issue 17.

Each wrong answer is derived here by hand from the slip itself (the formula written wrongly),
not taken from the check, and must be answered "not quite" with a hint that names the slip;
the right answer (derived by hand the same way) must still be "correct".
"""

from __future__ import annotations

import pytest

import margin_lab as ml

# Binance's example brackets (REFERENCE.md §1), as lesson 03 uses them.
BRACKETS = [(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15), (2_000_000, 0.25),
            (5_000_000, 0.50)]


def test_initial_margin_of_half_a_btc_without_the_size_is_named():
    right = 0.5 * 30_000 / 5
    slip = 30_000 / 5  # forgot the size
    assert ml.check_initial_margin(right, size=0.5, entry_price=30_000, leverage=5).correct
    feedback = ml.check_initial_margin(slip, size=0.5, entry_price=30_000, leverage=5)
    assert not feedback.correct
    assert "margin for 1 unit" in feedback.message and "multiply by the size, 0.5" in feedback.message


def test_margin_level_charged_at_the_entry_price_is_named():
    equity = 600 - 2 * (3_200 - 3_000)  # short loses as the price rises
    right = 100 * equity / (0.01 * 2 * 3_200)
    slip = 100 * equity / (0.01 * 2 * 3_000)  # maintenance charged at the entry price: 333.33 %
    arguments = dict(side="short", size=2, entry_price=3_000, mark_price=3_200, collateral=600,
                     maintenance_rate=0.01)
    assert ml.check_margin_level(right, **arguments).correct
    feedback = ml.check_margin_level(round(slip, 2), **arguments)
    assert not feedback.correct
    assert "at the entry price" in feedback.message and "64.00" in feedback.message


def test_margin_ratio_charged_at_the_entry_price_is_named_too():
    equity = 600 - 2 * (3_200 - 3_000)
    slip = 100 * (0.01 * 2 * 3_000) / equity
    feedback = ml.check_margin_ratio(slip, "short", size=2, entry_price=3_000, mark_price=3_200, collateral=600,
                                     maintenance_rate=0.01)
    assert not feedback.correct and "at the entry price" in feedback.message


@pytest.mark.parametrize("side, right, slip, named", [
    # short: (EP + M/Q) / (1 + r) right, / (1 − r) the slip
    ("short", (3_000 + 600 / 2) / (1 + 0.01), (3_000 + 600 / 2) / (1 - 0.01), "divides by (1 − r)"),
    # long mirrored: (EP − M/Q) / (1 − r) right, / (1 + r) the slip
    ("long", (3_000 - 600 / 2) / (1 - 0.01), (3_000 - 600 / 2) / (1 + 0.01), "divides by (1 + r)"),
])
def test_liquidation_price_with_the_wrong_sign_of_the_rate_is_named(side, right, slip, named):
    arguments = dict(entry_price=3_000, size=2, collateral=600, maintenance_rate=0.01)
    assert ml.check_liquidation_price(right, side, **arguments).correct
    feedback = ml.check_liquidation_price(round(slip, 2), side, **arguments)
    assert not feedback.correct
    assert named in feedback.message and "check the sign of r" in feedback.message


def test_tier_two_without_its_amount_is_named():
    schedule = ml.MaintenanceSchedule(BRACKETS)
    # Lesson 03: 35 BTC at 20,000 with 350,000 is liquidated in tier 2 (5 %, amount 2,500).
    right = (20_000 - (350_000 + 2_500) / 35) / (1 - 0.05)
    slip = (20_000 - 350_000 / 35) / (1 - 0.05)  # tier 2's rate without its amount
    arguments = dict(side="long", entry_price=20_000, size=35, collateral=350_000, schedule=schedule)
    assert ml.check_tiered_liquidation_price(right, **arguments).correct
    feedback = ml.check_tiered_liquidation_price(round(slip, 2), **arguments)
    assert not feedback.correct
    assert "tier 2's rate, 5 %, without its maintenance amount (2,500)" in feedback.message


def test_cross_backing_less_the_positions_own_initial_margin_is_named():
    # Lesson 05: wallet 10,000, an ETH short losing 1,000 with 55 of maintenance; the BTC long at 10x.
    backing = 10_000 - 55 - 1_000
    right = (20_000 - backing) / (1 - 0.005)
    slip = (20_000 - (backing - 20_000 / 10)) / (1 - 0.005)  # also subtracted its own 2,000
    arguments = dict(side="long", entry_price=20_000, size=1, maintenance_rate=0.005, balance=10_000,
                     other_maintenance=55, other_pnl=-1_000, leverage=10)
    assert ml.check_cross_liquidation_price(round(right, 2), **arguments).correct
    feedback = ml.check_cross_liquidation_price(round(slip, 2), **arguments)
    assert not feedback.correct
    assert "own initial margin (2,000.00)" in feedback.message
