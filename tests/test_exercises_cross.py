"""check_cross_liquidation_price: right answers pass, each known slip gets its own hint.

The right price is derived by hand from REFERENCE.md §1 (M = WB − TMM₁ + UPNL₁) and, once,
read from the account engine holding both cross positions.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from margin_lab import Account
from margin_lab.exercises.cross import check_cross_liquidation_price, cross_collateral

# The lesson's exercise: wallet 10,000; cross long 1 BTC at 20,000 and short 10 ETH at 1,000, ETH
# now at 1,100: its maintenance 0.5 % x 10 x 1,100 = 55 and its P&L -(1,100 - 1,000) x 10 = -1,000.
SETTING = dict(entry_price=20_000, size=1, maintenance_rate=0.005, balance=10_000, other_maintenance=55,
               other_pnl=-1_000)
RIGHT = (20_000 - (10_000 - 55 - 1_000)) / (1 - 0.005)


def _check(answer, **changes):
    return check_cross_liquidation_price(answer, "long", **{**SETTING, **changes})


def test_the_hand_derived_cross_price_is_right_and_the_message_shows_how_m_is_built():
    feedback = _check(round(RIGHT, 2))
    assert feedback.correct
    assert "11,110.55" in feedback.message and "= 8,945.00" in feedback.message


def test_the_engine_holding_both_positions_agrees_with_the_check():
    account = Account(10_000)
    account.open_cross("BTCUSDT", "long", 1, 20_000, maintenance=0.005, leverage=10)
    account.open_cross("ETHUSDT", "short", 10, 1_000, maintenance=0.005, leverage=10)
    account.set_marks({"ETHUSDT": 1_100})
    assert account.liquidation_price("BTCUSDT") == pytest.approx(RIGHT)
    assert _check(account.liquidation_price("BTCUSDT")).correct


@pytest.mark.parametrize("answer, hint", [
    ((20_000 - 10_000) / 0.995, "the wallet alone"),
    ((20_000 - (10_000 - 1_000)) / 0.995, "maintenance margin, which the pool must keep"),
    ((20_000 - (10_000 - 55)) / 0.995, "leaves out the other positions' unrealised P&L"),
    ((20_000 - (10_000 - 55 + 1_000)) / 0.995, "Check the sign of the other P&L"),
    (20_000 - 8_945, "That is the bankruptcy price"),
    ((20_000 + 8_945) / 1.005, "where a short would be liquidated"),
    ((20_000 - 2_000) / 0.995, "isolated price with the initial margin at 10x"),
])
def test_each_known_slip_gets_its_own_hint(answer, hint):
    feedback = _check(answer, leverage=10)
    assert not feedback.correct
    assert hint in feedback.message, feedback.message
    assert "11,110.55" in feedback.message


def test_an_unrelated_wrong_answer_gets_the_gap_without_a_hint():
    feedback = _check(12_000)
    assert not feedback.correct and "889.45 too high" in feedback.message
    assert "That" not in feedback.message.split("you entered")[1]


def test_a_pool_already_under_water_is_refused_by_name():
    with pytest.raises(ValueError, match="balance - other_maintenance \\+ other_pnl must be > 0"):
        _check(10_000, other_pnl=-10_000)
    with pytest.raises(ValueError, match="other_maintenance must be a finite number >= 0"):
        cross_collateral(10_000, other_maintenance=-1)
    with pytest.raises(ValueError, match="answer must be a finite number"):
        _check(math.nan)


def test_a_long_the_wallet_fully_backs_has_no_liquidation_price_and_zero_counts_as_none():
    assert check_cross_liquidation_price(0, "long", 20_000, 1, 0.005, balance=25_000).correct
    assert not check_cross_liquidation_price(100, "long", 20_000, 1, 0.005, balance=25_000).correct


@given(
    wallet=st.floats(1_000, 100_000),
    other_pnl=st.floats(-500, 5_000),
    side=st.sampled_from(["long", "short"]),
)
def test_long_and_short_mirror_each_other_around_the_entry(wallet, other_pnl, side):
    collateral = cross_collateral(wallet, 100, other_pnl)
    sign = 1 if side == "long" else -1
    price = (20_000 - sign * collateral) / (1 - sign * 0.005)
    if price <= 0:
        return
    feedback = check_cross_liquidation_price(price, side, 20_000, 1, 0.005, balance=wallet, other_maintenance=100,
                                             other_pnl=other_pnl)
    assert feedback.correct
