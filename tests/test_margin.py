"""Tests for margin_lab.margin: worked examples from REFERENCE.md, properties checked against the
defining equation (equity = requirement) rather than against the closed form itself, and bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import (
    bankruptcy_price,
    effective_leverage,
    initial_margin,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_level,
    margin_level_price,
    margin_ratio,
    position_equity,
    unrealized_pnl,
)

prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
sizes = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False)
leverages = st.floats(min_value=1.1, max_value=100)
rates = st.floats(min_value=0.0, max_value=0.009)
sides = st.sampled_from(["long", "short"])


# --- REFERENCE.md §1 worked examples --------------------------------------------------------


def test_bybit_usdt_isolated_example_liquidates_at_19700():
    # REFERENCE.md §1: long 1 BTC at 20,000, 50x, MMR 0.5 % on the entry value -> IM 400, MM 100.
    assert initial_margin(1, 20_000, 50) == pytest.approx(400)
    assert maintenance_margin(1, 20_000, 0.005) == pytest.approx(100)
    assert liquidation_price("long", 20_000, 1, 400, 0.005, basis="entry") == pytest.approx(19_700)


def test_bitmex_cross_example_liquidates_at_510_and_goes_bankrupt_at_500():
    # REFERENCE.md §1: wallet 10,000 USDT, long 20 ETH at 1,000, MM 1 % on the entry value.
    assert liquidation_price("long", 1_000, 20, 10_000, 0.01, basis="entry") == pytest.approx(510)
    assert bankruptcy_price("long", 1_000, 20, 10_000) == pytest.approx(500)


def test_bitmex_isolated_example_liquidates_at_97():
    # REFERENCE.md §1: 100 at 100 with 4 of isolated margin, 1 % maintenance on the entry value.
    assert liquidation_price("long", 100, 1, 4, 0.01, basis="entry") == pytest.approx(97)


def test_binance_one_way_example_liquidates_at_1114_78():
    # REFERENCE.md §1, Binance FAQ: ETHUSDT long, MMR 10 %, cum 135,365, wallet 1,535,443.01.
    price = liquidation_price("long", 1456.84, 3683.979, 1_535_443.01, 0.10, maintenance_amount=135_365)
    assert round(price, 2) == 1114.78


def test_kraken_spot_margin_call_example_comes_near_13200():
    # REFERENCE.md §1: long 1 BTC at 20,000, 5x, balance 10,000; margin call at 80 %.
    price = margin_level_price("long", 20_000, 1, balance=10_000, leverage=5, threshold=0.8)
    assert price == pytest.approx(13_200)
    used_margin = 20_000 / 5
    assert margin_level(10_000 + unrealized_pnl("long", 1, 20_000, price), used_margin) == pytest.approx(0.8)


def test_fifty_x_with_half_percent_maintenance_is_one_and_a_half_percent_away():
    # REFERENCE.md §4: "10x means liquidation after a 10 % move" is wrong: about 1/L - MMR.
    price = liquidation_price("long", 20_000, 1, 400, 0.005, basis="entry")
    assert liquidation_distance("long", 20_000, price) == pytest.approx(0.015)


# --- the closed form solves its defining equation --------------------------------------------


@settings(max_examples=200, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=leverages, rate=rates,
       fee=st.floats(min_value=0, max_value=0.002))
def test_at_the_mark_liquidation_price_equity_equals_the_requirement(side, entry, size, leverage, rate, fee):
    collateral = size * entry / leverage
    if rate + fee >= 1 / leverage:  # it would open at or past its own liquidation price: refused
        with pytest.raises(ValueError, match="collateral must be > the maintenance margin"):
            liquidation_price(side, entry, size, collateral, rate, fee_rate=fee)
        return
    price = liquidation_price(side, entry, size, collateral, rate, fee_rate=fee)
    if price is None:
        assert side == "long"
        return
    equity = position_equity(side, size, entry, price, collateral)
    requirement = maintenance_margin(size, price, rate) + fee * size * price
    assert equity == pytest.approx(requirement, rel=1e-9, abs=1e-9 * size * entry)


@settings(max_examples=200, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=leverages, rate=rates)
def test_on_the_entry_basis_equity_equals_the_entry_value_requirement(side, entry, size, leverage, rate):
    collateral = size * entry / leverage
    price = liquidation_price(side, entry, size, collateral, rate, basis="entry")
    if price is None:
        return
    equity = position_equity(side, size, entry, price, collateral)
    assert equity == pytest.approx(maintenance_margin(size, entry, rate), rel=1e-9, abs=1e-9 * size * entry)


@settings(max_examples=200, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=leverages)
def test_equity_is_zero_at_the_bankruptcy_price(side, entry, size, leverage):
    collateral = size * entry / leverage
    price = bankruptcy_price(side, entry, size, collateral)
    assert position_equity(side, size, entry, price, collateral) == pytest.approx(0, abs=1e-9 * size * entry)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(entry=prices, size=sizes, leverage=leverages)
def test_long_and_short_mirror_around_the_entry_without_maintenance(entry, size, leverage):
    collateral = size * entry / leverage
    long_price = liquidation_price("long", entry, size, collateral, 0.0)
    short_price = liquidation_price("short", entry, size, collateral, 0.0)
    assert long_price + short_price == pytest.approx(2 * entry, rel=1e-12)
    assert bankruptcy_price("long", entry, size, collateral) + bankruptcy_price(
        "short", entry, size, collateral
    ) == pytest.approx(2 * entry, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=st.floats(min_value=2, max_value=100), rate=rates)
def test_more_collateral_moves_the_liquidation_price_away_from_entry(side, entry, size, leverage, rate):
    small = size * entry / leverage
    near = liquidation_price(side, entry, size, small, rate)
    far = liquidation_price(side, entry, size, small * 1.5, rate)
    if far is None:
        return
    assert abs(far - entry) > abs(near - entry)


@settings(max_examples=200, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=st.floats(min_value=2, max_value=50),
       rate=st.floats(min_value=0, max_value=0.005))
def test_higher_leverage_or_maintenance_rate_moves_the_liquidation_price_toward_entry(side, entry, size, leverage, rate):
    low = liquidation_price(side, entry, size, size * entry / leverage, rate)
    higher_leverage = liquidation_price(side, entry, size, size * entry / (leverage * 1.5), rate)
    higher_rate = liquidation_price(side, entry, size, size * entry / leverage, rate + 0.004)
    if low is None:
        return
    assert abs(higher_leverage - entry) < abs(low - entry)
    assert abs(higher_rate - entry) < abs(low - entry)


@settings(max_examples=100, deadline=None)
@given(side=sides, entry=prices, size=sizes, leverage=leverages, fee=st.floats(min_value=1e-4, max_value=0.002))
def test_a_closing_fee_pulls_the_liquidation_price_toward_entry(side, entry, size, leverage, fee):
    collateral = size * entry / leverage
    without = liquidation_price(side, entry, size, collateral, 0.005)
    with_fee = liquidation_price(side, entry, size, collateral, 0.005, fee_rate=fee)
    if without is None or with_fee is None:
        return
    assert abs(with_fee - entry) < abs(without - entry)


def test_a_long_backed_by_its_whole_value_has_no_liquidation_price():
    assert liquidation_price("long", 100, 1, 100, 0.01) is None
    assert bankruptcy_price("long", 100, 1, 100) is None
    assert liquidation_price("short", 100, 1, 100, 0.01) == pytest.approx(200 / 1.01)


def test_margin_level_and_margin_ratio_are_inverses():
    assert margin_level(400, 100) * margin_ratio(400, 100) == pytest.approx(1)
    assert margin_ratio(0, 100) == math.inf


def test_effective_leverage_reads_initial_margin_backwards():
    assert effective_leverage(2, 20_000, initial_margin(2, 20_000, 8)) == pytest.approx(8)


def test_a_short_margin_call_price_has_the_threshold_margin_level():
    price = margin_level_price("short", 20_000, 1, balance=10_000, leverage=5, threshold=0.8)
    equity = 10_000 + unrealized_pnl("short", 1, 20_000, price)
    used_margin = 1 * price / 5  # held in the borrowed asset: rises with the price
    assert margin_level(equity, used_margin) == pytest.approx(0.8)


# --- bad input ------------------------------------------------------------------------------

GOOD = dict(side="long", entry_price=20_000, size=1, collateral=400, maintenance_rate=0.005)


@pytest.mark.parametrize(
    "argument, value, error",
    [
        ("side", "sideways", ValueError),
        ("side", 1, TypeError),
        ("entry_price", 0, ValueError),
        ("entry_price", -5, ValueError),
        ("entry_price", float("nan"), ValueError),
        ("entry_price", "20000", TypeError),
        ("size", -1, ValueError),
        ("size", float("inf"), ValueError),
        ("collateral", -1, ValueError),
        ("collateral", 0, ValueError),
        ("collateral", float("nan"), ValueError),
        ("maintenance_rate", 0.5 * 100, ValueError),
        ("maintenance_rate", -0.01, ValueError),
        ("maintenance_amount", -1, ValueError),
        ("fee_rate", 1.5, ValueError),
        ("basis", "last", ValueError),
    ],
)
def test_bad_input_to_liquidation_price_names_the_argument(argument, value, error):
    with pytest.raises(error, match=argument):
        liquidation_price(**{**GOOD, argument: value})


def test_a_rate_plus_fee_of_one_or_more_is_refused():
    with pytest.raises(ValueError, match="maintenance_rate \\+ fee_rate"):
        liquidation_price(**{**GOOD, "maintenance_rate": 0.995, "collateral": 30_000}, fee_rate=0.01)


# --- a percent typed as a fraction (issue 12, part 4) -----------------------------------------

PERCENT_HINT = "a percent typed as a fraction"


def test_a_maintenance_rate_typed_as_a_percent_is_refused_not_priced_above_the_entry():
    # 0.5 meant 0.5 %: at 10x it used to give 36,000 for a long entered at 20,000.
    with pytest.raises(ValueError) as info:
        liquidation_price("long", entry_price=20_000, size=1, collateral=2_000, maintenance_rate=0.5)
    message = str(info.value)
    assert message.startswith("collateral must be > the maintenance margin at entry 10,000.00, got 2000")
    assert "check that maintenance_rate 0.5 is a fraction, 0.005 = 0.5 %" in message


def test_an_entry_basis_long_with_too_little_collateral_is_refused_not_priced_above_the_entry():
    # 50 of collateral against a 100 requirement at entry used to give 20,050.
    with pytest.raises(ValueError, match="collateral must be > the maintenance margin at entry 100.00, got 50"):
        liquidation_price("long", entry_price=20_000, size=1, collateral=50, maintenance_rate=0.005, basis="entry")


def test_collateral_exactly_at_the_requirement_with_the_fee_is_refused():
    # (0.005 + 0.0005) · 20,000 = 110: opening there is opening at the liquidation price.
    with pytest.raises(ValueError, match="plus closing fee at entry 110.00, got 110"):
        liquidation_price("short", entry_price=20_000, size=1, collateral=110, maintenance_rate=0.005,
                          fee_rate=0.0005)
    assert liquidation_price("short", entry_price=20_000, size=1, collateral=111, maintenance_rate=0.005,
                             fee_rate=0.0005) > 20_000


@pytest.mark.parametrize("fee_rate", [0.05, 0.011, 1.5])
def test_a_fee_above_one_percent_is_refused_with_the_percent_hint(fee_rate):
    with pytest.raises(ValueError) as info:
        liquidation_price(**GOOD, fee_rate=fee_rate)
    message = str(info.value)
    assert message.startswith(f"fee_rate must be in [0, 0.01] as a fraction (0.0005 = 0.05 %")
    assert f"got {fee_rate!r}: {PERCENT_HINT}? {fee_rate:g} % is {fee_rate / 100:g}" in message


def test_a_fee_of_exactly_one_percent_is_accepted():
    assert liquidation_price("long", 20_000, 1, 2_000, 0.005, fee_rate=0.01) == pytest.approx(18_000 / 0.985)


def test_a_maintenance_rate_of_fifty_gets_the_style_message():
    with pytest.raises(ValueError, match=r"^maintenance_rate must be in \[0, 1\) as a fraction \(0.005 = 0.5 %\), "
                                         r"got 50: a percent typed as a fraction\? 50 % is 0.5$"):
        liquidation_price(**{**GOOD, "maintenance_rate": 50})


@pytest.mark.parametrize("threshold", [80, 40, 10.5])
def test_a_margin_level_threshold_typed_as_a_percent_is_refused(threshold):
    # threshold=80 used to give 330,000 for a long entered at 20,000
    with pytest.raises(ValueError, match=rf"threshold must be in \(0, 10\] as a margin level ratio \(0.8 = 80 %\), "
                                         rf"got {threshold!r}: a percent typed as a ratio\?"):
        margin_level_price("long", entry_price=20_000, size=1, balance=10_000, leverage=5, threshold=threshold)


def test_a_margin_level_threshold_as_a_ratio_still_prices():
    # Kraken's 40 % liquidation level: equity 1,600 = 10,000 + (P − 20,000) -> 11,600
    assert margin_level_price("long", 20_000, 1, 10_000, 5, threshold=0.4) == pytest.approx(11_600)


def test_a_bool_is_not_a_number():
    with pytest.raises(TypeError, match="size"):
        liquidation_price(**{**GOOD, "size": True})


def test_bad_input_messages_show_the_value_and_the_rule():
    with pytest.raises(ValueError) as info:
        liquidation_price(**{**GOOD, "maintenance_rate": 50})
    assert "50" in str(info.value) and "[0, 1)" in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: initial_margin(1, 100, 0),
        lambda: maintenance_margin(1, 100, 0.01, maintenance_amount=5),
        lambda: unrealized_pnl("flat", 1, 100, 100),
        lambda: effective_leverage(1, 100, -1),
        lambda: margin_level(10, -1),
        lambda: liquidation_distance("short", 100, None),
        lambda: margin_level_price("long", 100, 1, 100, 5, float("nan")),
        lambda: bankruptcy_price("long", 100, 0, 10),
    ],
)
def test_every_formula_refuses_bad_input_with_a_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_a_bankruptcy_price_needs_collateral_above_zero():
    with pytest.raises(ValueError, match="collateral must be a finite number > 0, got 0"):
        bankruptcy_price("long", entry_price=100, size=1, collateral=0)


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_margin_level_threshold_at_or_above_the_level_at_entry_is_refused(side):
    # used margin 4,000 on a 10,000 balance: 250 % at entry; a 300 % "call" would sit past the entry
    with pytest.raises(ValueError, match=r"threshold must be below the margin level at entry, balance / used margin = "
                                         r"2.5, got 3"):
        margin_level_price(side, entry_price=20_000, size=1, balance=10_000, leverage=5, threshold=3)
    below = margin_level_price(side, entry_price=20_000, size=1, balance=10_000, leverage=5, threshold=2.4)
    assert (below < 20_000) if side == "long" else (below > 20_000)


# ---- a 1x long: a price within float rounding of zero is no price --------------------------------


@pytest.mark.parametrize("size", [3.40983, 13.309335, 0.1, 1.0])
def test_a_one_x_long_has_no_liquidation_or_bankruptcy_price_even_after_rounding(size):
    from margin_lab import Account, venue
    from margin_lab.studies.venues import venue_comparison
    from margin_lab.tiers import MaintenanceSchedule, tiered_liquidation_price

    entry = 20_000
    collateral = size * entry / 1  # Q·EP / L at 1x: M/Q is EP up to float rounding (3.7e-12 left for 3.40983)
    assert liquidation_price("long", entry, size, collateral, 0.01) is None
    assert bankruptcy_price("long", entry, size, collateral) is None
    assert tiered_liquidation_price("long", entry, size, collateral, MaintenanceSchedule.fixed(0.01)) is None
    acct = Account(10 * collateral)
    acct.open_isolated("X", "long", size, entry, collateral, 0.01, leverage=1)
    assert acct.liquidation_price("X") is None and acct.bankruptcy_price("X") is None
    row = venue_comparison("long", leverage=1, size=size, entry_price=entry, venues=[venue("kraken_derivatives")]).rows[0]
    assert row.liquidation_price is None and row.liquidation_distance == 1.0
    # The mirror short at 1x keeps its price: (EP + M/Q) / (1 + r), twice the entry over 1.01.
    assert liquidation_price("short", entry, size, collateral, 0.01) == pytest.approx(2 * entry / 1.01)


def test_a_long_just_above_one_x_still_has_its_small_price():
    # 1.0001x: EP − M/Q = EP·(1 − 1/1.0001), about 2.0 on a 20,000 entry, far above rounding.
    price = liquidation_price("long", 20_000, 1, 20_000 / 1.0001, 0.0)
    assert price == pytest.approx(20_000 * (1 - 1 / 1.0001)) and price > 1
