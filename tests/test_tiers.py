"""Tests for margin_lab.tiers: the amount recursion, continuity across floors, and the tiered
liquidation price checked against the defining equation equity = schedule.margin(Q·P)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from margin_lab import MaintenanceSchedule, liquidation_price, position_equity, tiered_liquidation_price

ADA_BUSD = MaintenanceSchedule(
    [(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)]
)


def test_binance_example_amounts_follow_the_recursion():
    # REFERENCE.md §1: ADA/BUSD -> cum 0, 2,500, 27,500, 77,500, 277,500, 1,527,500.
    assert [t.amount for t in ADA_BUSD.tiers] == pytest.approx([0, 2_500, 27_500, 77_500, 277_500, 1_527_500])


@pytest.mark.parametrize("floor", [100_000, 500_000, 1_000_000, 2_000_000, 5_000_000])
def test_maintenance_margin_is_continuous_across_each_floor(floor):
    below = ADA_BUSD.margin(floor * (1 - 1e-12))
    at = ADA_BUSD.margin(floor)
    assert below == pytest.approx(at, rel=1e-9)


def test_the_tier_is_chosen_by_notional():
    assert ADA_BUSD.rate(99_999) == 0.025
    assert ADA_BUSD.rate(100_000) == 0.05
    assert ADA_BUSD.amount(6_000_000) == pytest.approx(1_527_500)


def test_a_fixed_schedule_gives_the_plain_formula():
    fixed = MaintenanceSchedule.fixed(0.005)
    assert tiered_liquidation_price("long", 20_000, 1, 2_000, fixed) == pytest.approx(
        liquidation_price("long", 20_000, 1, 2_000, 0.005)
    )


@settings(max_examples=300, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    size=st.floats(min_value=1, max_value=5_000),
    leverage=st.floats(min_value=1.2, max_value=19),
)
def test_the_tiered_liquidation_price_solves_equity_equals_its_own_tier_margin(side, size, leverage):
    entry = 1_000.0
    collateral = size * entry / leverage
    assume(collateral > ADA_BUSD.margin(size * entry))  # else refused: it would open past its liquidation price
    price = tiered_liquidation_price(side, entry, size, collateral, ADA_BUSD)
    if price is None:
        assert side == "long"
        return
    equity = position_equity(side, size, entry, price, collateral)
    assert equity == pytest.approx(ADA_BUSD.margin(size * price), rel=1e-7, abs=1e-6)


def test_a_long_whose_liquidation_notional_drops_a_tier_is_recomputed_there():
    two = MaintenanceSchedule([(0, 0.01), (125_000, 0.05)])
    entry_tier_answer = liquidation_price("long", 20_000, 7, 20_000, 0.05, maintenance_amount=5_000)
    assert 7 * entry_tier_answer < 125_000  # the entry tier's answer lies outside its own tier
    assert tiered_liquidation_price("long", 20_000, 7, 20_000, two) == pytest.approx(
        liquidation_price("long", 20_000, 7, 20_000, 0.01)
    )


@pytest.mark.parametrize(
    "tiers, argument",
    [
        ([], "tiers"),
        ([(10, 0.01)], "floor_notional"),
        ([(0, 0.01), (0, 0.02)], "floor_notional"),
        ([(0, 0.02), (100, 0.01)], "rate"),
        ([(0, 1.5)], "rate"),
        ([(0, float("nan"))], "rate"),
        ([(0,)], "tiers"),
    ],
)
def test_bad_schedules_are_refused_naming_the_part(tiers, argument):
    with pytest.raises((ValueError, TypeError), match=argument):
        MaintenanceSchedule(tiers)


def test_a_negative_notional_is_refused():
    with pytest.raises(ValueError, match="notional"):
        ADA_BUSD.rate(-1)


@pytest.mark.parametrize("schedule", [MaintenanceSchedule.fixed(0.005), MaintenanceSchedule([(0, 0.01), (1e5, 0.02)])])
@pytest.mark.parametrize("notional", [float("inf"), float("nan"), -1.0, -1])
def test_margin_refuses_a_notional_that_is_not_finite_and_non_negative(schedule, notional):
    with pytest.raises(ValueError, match="notional must be a finite number >= 0"):
        schedule.margin(notional)


def test_margin_of_a_fixed_schedule_is_notional_times_rate_minus_amount():
    schedule = MaintenanceSchedule.fixed(0.01, amount=50.0)
    assert schedule.margin(20_000.0) == pytest.approx(150.0)
    assert schedule.margin(20_000) == pytest.approx(150.0)  # an int takes the checked path
    assert schedule.margin(1_000.0) == 0.0  # never below 0


def test_a_position_opening_under_its_entry_tier_requirement_is_refused_by_collateral():
    # 581 ADA-notional units of 1,000 at 19x: the 10 % tier asks 58,100 − 27,500 = 30,600 of the
    # 30,578.95 collateral, so the position would open past its own liquidation price.
    with pytest.raises(ValueError, match=r"collateral must be > the maintenance margin at entry 30,600.00, got 30578.9"):
        tiered_liquidation_price("long", 1_000, 581, 581_000 / 19, ADA_BUSD)


@pytest.mark.parametrize("collateral", [0, 0.0, -1])
def test_tiered_liquidation_price_refuses_no_collateral(collateral):
    with pytest.raises(ValueError, match=f"collateral must be a finite number > 0, got {collateral!r}"):
        tiered_liquidation_price("long", 20_000, 1, collateral, ADA_BUSD)


def test_tiered_liquidation_price_refuses_a_fee_typed_as_a_percent():
    with pytest.raises(ValueError, match=r"fee_rate must be in \[0, 0.01\].*got 0.05: a percent typed as a fraction"):
        tiered_liquidation_price("long", 20_000, 1, 2_000, ADA_BUSD, fee_rate=0.05)


def test_tiered_and_plain_prices_agree_with_a_closing_fee():
    fixed = MaintenanceSchedule.fixed(0.005)
    assert tiered_liquidation_price("long", 20_000, 1, 2_000, fixed, fee_rate=0.0005) == pytest.approx(
        liquidation_price("long", 20_000, 1, 2_000, 0.005, fee_rate=0.0005))


def test_a_schedule_no_equity_can_reach_is_refused_naming_the_fee_or_the_level():
    from margin_lab.tiers import tiered_level_price
    top_heavy = MaintenanceSchedule.fixed(0.995)
    with pytest.raises(ValueError, match=r"fee_rate plus the top tier's rate must be < 1, got fee_rate=0.005"):
        tiered_liquidation_price("long", 20_000, 1, 2_000, top_heavy, fee_rate=0.005)
    # level 2 with 0.495 + 0.005 = 0.5: the requirement times the level is the whole value, 1 / 0.5 = 2.
    with pytest.raises(ValueError, match=r"level must be below 1 / \(maintenance_rate \+ fee_rate\) = 2, got 2"):
        tiered_level_price("long", 20_000, 1, 2_000, MaintenanceSchedule.fixed(0.495), 2, fee_rate=0.005)
    with pytest.raises(TypeError, match="schedule must be a MaintenanceSchedule, got 0.005"):
        tiered_liquidation_price("long", 20_000, 1, 2_000, 0.005)
