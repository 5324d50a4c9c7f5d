"""Tests for margin_lab.worst_case: a plan's worst-case loss against collateral and fees
summed by hand, and the entry price a leg defaults to."""

from __future__ import annotations

import math

import pytest

from margin_lab import Leg, Portfolio
from margin_lab.worst_case import leg_asset, leg_collateral, leg_entry_price, worst_case_loss


def test_an_all_isolated_plan_can_lose_its_collateral_plus_the_opening_fees():
    legs = (Leg("BTC", "long", 1, 10, entry_price=30_000), Leg("ETH", "short", 4, 4, entry_price=2_000))
    collateral = 30_000 / 10 + 4 * 2_000 / 4
    fees = 0.0004 * (30_000 + 8_000)
    assert worst_case_loss(Portfolio(20_000, legs, fee_rate=0.0004)) == pytest.approx(collateral + fees)


def test_one_cross_leg_puts_the_whole_wallet_at_risk():
    legs = (Leg("BTC", "long", 1, 10), Leg("SOL", "long", 10, 3, mode="cross"))
    assert worst_case_loss(Portfolio(12_345, legs)) == 12_345.0


def test_a_leg_without_an_entry_price_starts_at_its_assets_default():
    assert leg_asset("solusdt") == "SOL"
    assert leg_entry_price(Leg("ETHUSDT", "long", 1, 5)) == leg_entry_price(Leg("ETH", "long", 1, 5))
    assert math.isfinite(leg_entry_price(Leg("ETH", "long", 1, 5)))
    with pytest.raises(ValueError, match="symbol"):
        leg_asset("DOGE")


def test_a_legs_collateral_is_its_own_or_its_initial_margin():
    assert leg_collateral(Leg("ETH", "short", 4, 4, entry_price=2_000)) == 2_000
    assert leg_collateral(Leg("ETH", "short", 4, 4, entry_price=2_000, collateral=500)) == 500
