"""Inverse (coin-margined) formulas, checked against independent derivations, not their own output."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import margin_lab as ml
from margin_lab.inverse import _inverse_liquidation_price_kernel


def coin_equity(side, size_usd, entry, price, collateral):
    """Written out again from the definition: collateral + s·Q_usd·(1/EP − 1/P)."""
    sign = 1 if side == "long" else -1
    return collateral + sign * size_usd * (1 / entry - 1 / price)


def test_kraken_futures_example_is_reproduced_from_its_own_numbers():
    # Kraken support 360022835671: equity 0.01 + 1,000/8,000 − 1,000/P equals 1 % of 1,000/P.
    liquidation = ml.inverse_liquidation_price("long", 8_000, 1_000, 0.01, 0.01)
    assert liquidation == pytest.approx(1_010 / 0.135)
    assert round(liquidation, 2) == 7_481.48
    assert round(ml.inverse_bankruptcy_price("long", 8_000, 1_000, 0.01), 2) == 7_407.41


@settings(max_examples=300, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    entry=st.floats(100, 200_000),
    size_usd=st.floats(10, 1e7),
    leverage=st.floats(1.05, 100),
    rate_share=st.floats(0.0, 0.9),
    fee=st.floats(0, 0.001),
    basis=st.sampled_from(["mark", "entry"]),
)
def test_at_the_returned_price_coin_equity_equals_the_requirement(side, entry, size_usd, leverage, rate_share, fee,
                                                                 basis):
    collateral = size_usd / entry / leverage
    rate = rate_share / leverage * (1 - 1e-6) - fee if rate_share / leverage > fee else 0.0
    price = ml.inverse_liquidation_price(side, entry, size_usd, collateral, rate, fee_rate=fee, basis=basis)
    if price is None:
        assert side == "short"
        return
    base = price if basis == "mark" else entry
    requirement = rate * size_usd / base + fee * size_usd / price
    assert coin_equity(side, size_usd, entry, price, collateral) == pytest.approx(requirement, rel=1e-9,
                                                                              abs=1e-12 * collateral)
    assert (price < entry) if side == "long" else (price > entry)


def test_long_and_short_mirror_each_other_in_one_over_price():
    # In 1/P the inverse position is linear: 1/P_liq(long) and 1/P_liq(short) sit symmetric
    # about 1/EP when the requirement is charged on the entry value with no fee.
    entry, size_usd, collateral, rate = 50_000, 60_000, 0.12, 0.005
    long = ml.inverse_liquidation_price("long", entry, size_usd, collateral, rate, basis="entry")
    short = ml.inverse_liquidation_price("short", entry, size_usd, collateral, rate, basis="entry")
    distance = (collateral - rate * size_usd / entry) / size_usd
    assert 1 / long == pytest.approx(1 / entry + distance)
    assert 1 / short == pytest.approx(1 / entry - distance)
    assert ml.inverse_unrealized_pnl("long", size_usd, entry, 61_000) == -ml.inverse_unrealized_pnl(
        "short", size_usd, entry, 61_000)


@pytest.mark.parametrize("side", ["long", "short"])
def test_more_collateral_moves_liquidation_away_and_a_higher_rate_moves_it_closer(side):
    prices = [ml.inverse_liquidation_price(side, 40_000, 100_000, c, 0.01) for c in (0.2, 0.3, 0.5)]
    away = sorted(prices, reverse=(side == "long"))
    assert prices == away and len(set(prices)) == 3
    by_rate = [ml.inverse_liquidation_price(side, 40_000, 100_000, 0.3, r) for r in (0.0, 0.01, 0.05)]
    assert by_rate == sorted(by_rate, reverse=(side == "short"))


@pytest.mark.parametrize("side", ["long", "short"])
def test_linear_and_inverse_agree_for_small_moves(side):
    # 200x with a tiny rate: liquidation within about half a percent of the entry, where 1/P is
    # nearly linear; the inverse position of Q_usd = Q·EP with M/EP coins matches the linear one.
    entry, size, leverage, rate = 30_000.0, 2.0, 200.0, 0.0005
    collateral_usd = size * entry / leverage
    linear = ml.liquidation_price(side, entry, size, collateral_usd, rate)
    inverse = ml.inverse_liquidation_price(side, entry, size * entry, collateral_usd / entry, rate)
    assert abs(inverse - linear) / entry < 1e-4
    assert abs(inverse - linear) > 0  # not the same formula: the curvature of 1/P shows


def test_a_short_backed_by_its_own_value_in_the_coin_is_never_liquidated():
    assert ml.inverse_liquidation_price("short", 88_000, 88_000, 1.0, 0.01) is None
    assert ml.inverse_bankruptcy_price("short", 88_000, 88_000, 1.0) is None
    # just below 1x it liquidates, far away
    far = ml.inverse_liquidation_price("short", 88_000, 88_000, 0.9, 0.01)
    assert far > 5 * 88_000
    # USD equity of the 1x short does not move with the price
    values = [ml.inverse_equity_usd("short", 88_000, 88_000, p, 1.0) for p in (10_000, 88_000, 500_000)]
    assert values == pytest.approx([88_000] * 3)


def test_coin_collateral_liquidates_a_long_sooner_and_a_short_later_than_usdt():
    entry, size, rate = 88_000, 0.5, 0.01
    usdt_long = ml.liquidation_price("long", entry, size, size * entry / 5, rate)
    coin_long = ml.inverse_liquidation_price("long", entry, size * entry, size / 5, rate)
    usdt_short = ml.liquidation_price("short", entry, size, size * entry / 5, rate)
    coin_short = ml.inverse_liquidation_price("short", entry, size * entry, size / 5, rate)
    assert coin_long > usdt_long
    assert coin_short > usdt_short
    assert round(coin_short, 2) == 108_900.0  # REFERENCE.md §1b, by hand: 44,000·0.99/0.4


def test_the_kernel_works_on_arrays_and_marks_no_price():
    collateral = np.array([0.01, 0.125, 0.2])
    prices = _inverse_liquidation_price_kernel(-1, 8_000.0, 1_000.0, collateral, 0.0, 0.0, 0.0, False)
    assert prices[0] == pytest.approx(ml.inverse_bankruptcy_price("short", 8_000, 1_000, 0.01))
    assert prices[1] <= 0 and prices[2] <= 0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"size_usd": 0}, "size_usd"),
        ({"size_usd": math.nan}, "size_usd"),
        ({"collateral": -0.1}, "collateral"),
        ({"entry_price": math.inf}, "entry_price"),
        ({"maintenance_rate": 1.5}, "maintenance_rate"),
        ({"maintenance_amount": -1}, "maintenance_amount"),
        ({"fee_rate": 5}, "fee_rate"),
        ({"side": "up"}, "side"),
        ({"basis": "last"}, "basis"),
    ],
)
def test_bad_input_is_refused_by_name(kwargs, name):
    args = dict(side="long", entry_price=8_000, size_usd=1_000, collateral=0.01, maintenance_rate=0.01)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        ml.inverse_liquidation_price(**args)


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="size_usd"):
        ml.inverse_unrealized_pnl("long", "1000", 8_000, 9_000)
    with pytest.raises(TypeError, match="collateral"):
        ml.inverse_bankruptcy_price("long", 8_000, 1_000, True)


def test_a_position_opening_past_its_own_liquidation_is_refused_with_a_percent_hint():
    # 0.5 typed for 0.5 % on a 10x long: 50 % maintenance exceeds the 10 % initial margin.
    with pytest.raises(ValueError, match="percent typed as a fraction"):
        ml.inverse_liquidation_price("long", 50_000, 60_000, 0.12, 0.5)
    with pytest.raises(ValueError, match="past its own liquidation"):
        ml.inverse_liquidation_price("short", 50_000, 60_000, 0.12, 0.5, basis="entry")


def test_tiered_coin_m_picks_the_bracket_of_the_liquidation_notional():
    two = ml.MaintenanceSchedule([(0, 0.01), (5, 0.025)])
    # independent: solve each tier by bisection on coin equity − requirement
    def solve(rate, amount):
        lo, hi = 1_000.0, 100_000.0
        for _ in range(200):
            mid = (lo + hi) / 2
            gap = coin_equity("long", 490_000, 100_000, mid, 0.6) - (rate * 490_000 / mid - amount)
            lo, hi = (lo, mid) if gap > 0 else (mid, hi)
        return mid
    expected = solve(0.025, 0.075)
    assert 490_000 / expected >= 5
    assert ml.inverse_tiered_liquidation_price("long", 100_000, 490_000, 0.6, two) == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    entry=st.floats(1_000, 100_000),
    size_usd=st.floats(1_000, 1e7),
    leverage=st.floats(1.5, 50),
    floor=st.floats(0.01, 50),
    low_rate=st.floats(0, 0.005),
    step=st.floats(0, 0.005),
)
def test_tiered_price_meets_the_requirement_of_the_bracket_its_own_notional_falls_in(side, entry, size_usd, leverage,
                                                                                    floor, low_rate, step):
    schedule = ml.MaintenanceSchedule([(0, low_rate), (floor, low_rate + step)])
    collateral = size_usd / entry / leverage
    price = ml.inverse_tiered_liquidation_price(side, entry, size_usd, collateral, schedule)
    if price is None:
        assert side == "short"
        return
    requirement = schedule.margin(size_usd / price)  # the bracket of the coin notional at that price
    assert coin_equity(side, size_usd, entry, price, collateral) == pytest.approx(requirement, rel=1e-9,
                                                                              abs=1e-12 * collateral)
