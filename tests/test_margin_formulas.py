"""Tests for the margin formulas that the lesson studies once held: the collateral that survives
a price (collateral_to_survive), one funding payment, Hyperliquid's backstop price, a cross
position's collateral and the margin level with nothing required. Each is checked against an
independent route: the liquidation formula it inverts, the account that settles the payment or
backs the cross position, and the defining equity equation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account, liquidation_price, maintenance_margin, position_equity
from margin_lab.margin import backstop_price, collateral_to_survive, funding_payment

sides = st.sampled_from(["long", "short"])
FAST = settings(max_examples=120, deadline=None)


@FAST
@given(side=sides, entry=st.floats(100, 100_000), size=st.floats(0.01, 50), drop=st.floats(0.01, 0.6),
       rate=st.floats(0, 0.02), fee=st.floats(0, 0.001))
def test_the_collateral_to_survive_puts_the_liquidation_price_exactly_at_the_survive_price(side, entry, size, drop,
                                                                                           rate, fee):
    survive = entry * (1 - drop) if side == "long" else entry * (1 + drop)
    needed = collateral_to_survive(side, entry, size, survive, rate, fee_rate=fee)
    assert needed > 0
    assert liquidation_price(side, entry, size, needed, rate, fee_rate=fee) == pytest.approx(survive, rel=1e-9)


def test_no_collateral_is_needed_for_a_price_on_the_profitable_side():
    assert collateral_to_survive("long", 20_000, 1, survive_price=21_000, maintenance_rate=0.005) == 0.0
    assert collateral_to_survive("short", 20_000, 1, survive_price=19_000, maintenance_rate=0.005) == 0.0


def test_collateral_to_survive_refuses_a_percent_typed_as_a_rate():
    with pytest.raises(ValueError, match="maintenance_rate"):
        collateral_to_survive("long", 20_000, 1, survive_price=17_000, maintenance_rate=5)


@FAST
@given(side=sides, size=st.floats(0.01, 50), mark=st.floats(100, 100_000), rate=st.floats(-0.01, 0.01))
def test_a_funding_payment_is_what_the_account_takes_from_the_collateral(side, size, mark, rate):
    account = Account(1e9)
    account.open_isolated("BTCUSDT", side, size, mark, size * mark, 0.005, leverage=1)
    before = account.positions["BTCUSDT"].collateral
    account.pay_funding("BTCUSDT", rate)
    taken = before - account.positions["BTCUSDT"].collateral
    assert funding_payment(side, size, mark, rate) == pytest.approx(taken, rel=1e-12, abs=1e-9)


def test_longs_pay_what_shorts_receive():
    assert funding_payment("long", 2, 3_000, 0.0001) == -funding_payment("short", 2, 3_000, 0.0001) == 0.6


def test_funding_payment_refuses_a_rate_outside_minus_one_to_one():
    with pytest.raises(ValueError, match="funding_rate"):
        funding_payment("long", 1, 20_000, 1.5)


@FAST
@given(side=sides, entry=st.floats(100, 100_000), size=st.floats(0.01, 50), leverage=st.floats(2, 50),
       level=st.floats(0.1, 1.0))
def test_at_the_backstop_price_equity_is_the_level_times_the_maintenance_margin(side, entry, size, leverage, level):
    rate, collateral = 1 / (2 * 50), size * entry / leverage
    price = backstop_price(side, entry, size, collateral, rate, level)
    if price is None:
        return
    equity = position_equity(side, size, entry, price, collateral)
    assert equity == pytest.approx(level * maintenance_margin(size, price, rate), rel=1e-7, abs=1e-6)


def test_a_backstop_at_the_whole_maintenance_margin_is_the_liquidation_price():
    assert backstop_price("short", 20_000, 5, 10_000, 0.01, 1.0) == liquidation_price("short", 20_000, 5, 10_000, 0.01)


def test_backstop_level_above_one_is_refused_by_name():
    with pytest.raises(ValueError, match="backstop_level"):
        backstop_price("long", 20_000, 5, 10_000, 0.01, 1.5)


def test_with_nothing_required_the_margin_level_is_the_engines_infinite_level():
    from margin_lab.margin import margin_level

    account = Account(10_000)
    account.open_cross("BTCUSDT", "long", 1, 20_000, 0.0, leverage=10)
    assert account.cross_margin_level == margin_level(10_000, 0) == math.inf
    assert margin_level(-1, 0) == -math.inf


@FAST
@given(wallet=st.floats(500, 50_000), eth_mark=st.floats(900, 1_100), side=sides)
def test_the_cross_collateral_formula_backs_the_accounts_cross_liquidation_price(wallet, eth_mark, side):
    from margin_lab import cross_collateral

    account = Account(wallet)
    account.open_cross("ETHUSDT", "short", 2, 1_000, 0.01, leverage=10)
    account.open_cross("BTCUSDT", side, 0.1, 20_000, 0.005, leverage=10)
    account.set_marks({"ETHUSDT": eth_mark})
    other_pnl, other_maintenance = -2 * (eth_mark - 1_000), 0.01 * 2 * eth_mark
    collateral = cross_collateral(wallet, other_maintenance, other_pnl)
    expected = liquidation_price(side, 20_000, 0.1, collateral, 0.005)
    found = account.positions["BTCUSDT"].liquidation_price
    assert found == expected if expected is None else found == pytest.approx(expected, rel=1e-9)
