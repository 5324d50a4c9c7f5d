"""Lesson 9's tools: the coin-vs-USDT study, its figures and explorer, inverse replay, exercise checks."""

from __future__ import annotations

import math

import pytest

import margin_lab as ml
from margin_lab.plots import render
from margin_lab.studies.inverse_collateral import coin_collateral, collateral_replay


def test_usd_equity_lines_have_the_slopes_the_collateral_implies():
    # Independent: USD equity is linear in the price; its slope is s·Q/EP plus the coins posted.
    for side, sign in (("long", 1), ("short", -1)):
        result = coin_collateral(side, leverage=4, entry_price=50_000, coin_amount=0.2)
        p = [(x, y) for x, y in zip(result.prices, result.coin_equity_usd) if not math.isnan(y)]
        (x0, y0), (x1, y1) = p[0], p[-1]
        assert (y1 - y0) / (x1 - x0) == pytest.approx(sign * 0.8 + 0.2)
        q = [(x, y) for x, y in zip(result.prices, result.usdt_equity) if not math.isnan(y)]
        assert (q[-1][1] - q[0][1]) / (q[-1][0] - q[0][0]) == pytest.approx(sign * 0.8)


def test_at_entry_both_collaterals_are_worth_the_same_and_the_one_x_short_is_flat():
    result = coin_collateral("short", leverage=1, entry_price=60_000, coin_amount=0.5)
    assert result.coin_liquidation is None and result.coin_exposure == pytest.approx(0.0)
    assert set(round(v, 6) for v in result.coin_equity_usd) == {30_000.0}


def test_coin_collateral_liquidates_a_long_sooner_and_a_short_later():
    long, short = coin_collateral("long", leverage=5), coin_collateral("short", leverage=5)
    assert long.coin_liquidation > long.usdt_liquidation
    assert short.coin_liquidation > short.usdt_liquidation


def test_study_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match="collateral"):
        coin_collateral(collateral="eth")
    with pytest.raises(ValueError, match="leverage"):
        coin_collateral(leverage=0.5)
    with pytest.raises(ValueError, match="maintenance_rate"):
        coin_collateral(leverage=20, maintenance_rate=0.06)


def test_replay_of_the_squeeze_matches_the_closed_form_triggers():
    run = collateral_replay("squeeze", "short", leverage=3)
    path = ml.scenario("squeeze", start_price=88_000, days=30)
    highs = path.high[0].tolist()
    expected = ml.liquidation_price("short", 88_000, 0.3, 8_800, 0.01)
    first = next(day for day, high in enumerate(highs) if high >= expected)
    assert run.usdt_liquidated_day == first
    coin_trigger = ml.inverse_liquidation_price("short", 88_000, 26_400, 0.1, 0.01)
    assert max(highs) < coin_trigger and run.coin_liquidated_day is None
    assert run.usdt_equity[-1] == 0.0


def test_inverse_portfolio_refuses_linear_legs_by_name():
    with pytest.raises(ValueError, match="linear"):
        ml.InversePortfolio(1.0, (ml.Leg("BTCUSDT", "long", size=1, leverage=5),))
    with pytest.raises(ValueError, match="size_usd"):
        ml.InverseLeg("BTCUSD", "long", size_usd=-1, leverage=5)
    with pytest.raises(ValueError, match="inverse .*InversePortfolio"):
        ml.Portfolio(10_000, (ml.Leg("ETHUSDT", "long", size=1, leverage=5),
                              ml.InverseLeg("BTCUSD", "short", size_usd=1_000, leverage=5)))


def test_replay_inverse_conserves_the_coin_and_values_equity_at_the_mark():
    legs = (ml.InverseLeg("BTCUSD", "long", size_usd=20_000, leverage=2, maintenance=0.005),)
    run = ml.replay_inverse(ml.InversePortfolio(1.0, legs), {"BTCUSD": [40_000, 44_000, 50_000]})
    pnl = ml.inverse_unrealized_pnl("long", 20_000, 40_000, 50_000)
    assert run.final_equity == pytest.approx(1.0 + pnl)
    assert run.usd_equity()[-1] == pytest.approx((1.0 + pnl) * 50_000)


def test_figures_have_units_and_the_chosen_collaterals_lines():
    info = render(ml.draw_coin_collateral, coin_collateral("long", leverage=5, collateral="usdt")).info
    assert info.ylabel == "Equity (USD)" and "USD per BTC" in info.xlabel
    liquidation = coin_collateral("long", leverage=5).usdt_liquidation
    assert info.line(f"Liquidation, USDT collateral {liquidation:,.2f}").x[0] == pytest.approx(liquidation)
    replay_info = render(ml.draw_collateral_replay, collateral_replay()).info
    assert replay_info.title.startswith("3x short")


def test_explorer_answers_every_control_and_shows_refusals_in_the_status():
    explorer = ml.coin_collateral_explorer()
    explorer.set(side="long", collateral="usdt", entry_price=40_000, leverage=10)
    assert explorer.result.side.value == "long" and explorer.result.collateral == "usdt"
    assert explorer.result.entry_price == 40_000 and explorer.status.value == ""
    refusing = ml.coin_collateral_explorer(maintenance_rate=0.06)
    refusing.set(leverage=20)
    assert "maintenance_rate" in refusing.status.value


def test_checks_diagnose_linear_arithmetic_and_mixing_coin_and_usd():
    linear = ml.liquidation_price("short", 88_000, 0.5, 8_800, 0.01)
    assert "linear" in ml.check_inverse_liquidation_price(linear, "short", 88_000, 44_000, 0.1, 0.01).message
    usd_pnl = ml.unrealized_pnl("short", 0.5, 88_000, 100_000)
    assert "USD" in ml.check_inverse_pnl(usd_pnl, "short", 44_000, 88_000, 100_000).message
    coins = ml.inverse_position_equity("short", 44_000, 88_000, 100_000, 0.1)
    feedback = ml.check_inverse_equity_usd(coins, "short", 44_000, 88_000, 100_000, 0.1)
    assert not feedback.correct and "multiply by the mark" in feedback.message
    assert ml.check_inverse_liquidation_price(0, "short", 88_000, 8_800, 0.1, 0.01).correct
