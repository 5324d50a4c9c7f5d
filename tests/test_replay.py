"""Tests for margin_lab.replay: independent derivations (isolated vs cross on one position, long vs
short on a mirrored path, the closed-form liquidation price vs the step where the replay liquidates)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import liquidation_price
from margin_lab.replay import Action, Leg, Portfolio, compare_modes, replay


def _first_liquidation_step(run):
    for record in run.records:
        if any(e.kind == "liquidation" for e in record.events):
            return record.step
    return None


falling = st.lists(st.floats(min_value=-0.08, max_value=0.06), min_size=5, max_size=40)


def _path(start, returns):
    prices = [start]
    for r in returns:
        prices.append(prices[-1] * (1 + r))
    return prices


@settings(max_examples=100, deadline=None)
@given(returns=falling, leverage=st.floats(min_value=2, max_value=30))
def test_the_replay_liquidates_at_the_first_step_past_the_closed_form_price(returns, leverage):
    path = _path(20_000, returns)
    run = replay(Portfolio(50_000, (Leg("BTC", "long", 1, leverage),)), {"BTC": path})
    threshold = liquidation_price("long", 20_000, 1, 20_000 / leverage, 0.005)
    expected = next((i for i, p in enumerate(path) if i > 0 and p < threshold), None)
    assert _first_liquidation_step(run) == expected


@settings(max_examples=100, deadline=None)
@given(returns=falling, leverage=st.floats(min_value=2, max_value=30))
def test_a_short_on_the_mirrored_path_liquidates_at_the_same_step_without_maintenance(returns, leverage):
    path = _path(1_000, returns)
    mirrored = [max(2 * 1_000 - p, 1e-6) for p in path]
    long_run = replay(Portfolio(10_000, (Leg("X", "long", 1, leverage, maintenance=0.0),)), {"X": path})
    short_run = replay(Portfolio(10_000, (Leg("X", "short", 1, leverage, maintenance=0.0),)), {"X": mirrored})
    assert _first_liquidation_step(long_run) == _first_liquidation_step(short_run)


@settings(max_examples=60, deadline=None)
@given(returns=falling, leverage=st.floats(min_value=2, max_value=30))
def test_one_cross_position_backed_by_the_wallet_behaves_like_an_isolated_one_backed_by_all_of_it(returns, leverage):
    path = _path(20_000, returns)
    wallet = 20_000 / leverage
    isolated = replay(Portfolio(wallet, (Leg("BTC", "long", 1, leverage, collateral=wallet),)), {"BTC": path})
    cross = replay(Portfolio(wallet, (Leg("BTC", "long", 1, leverage, mode="cross"),)), {"BTC": path})
    assert _first_liquidation_step(isolated) == _first_liquidation_step(cross)
    assert isolated.final_equity == pytest.approx(cross.final_equity, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(returns=falling)
def test_an_isolated_portfolio_never_loses_more_than_its_collateral(returns):
    legs = (Leg("BTC", "long", 1, 10), Leg("ETH", "short", 10, 5))
    prices = {"BTC": _path(20_000, returns), "ETH": _path(1_000, [-r for r in returns])}
    run = replay(Portfolio(10_000, legs, fee_rate=0.0005), prices)
    collateral = 20_000 / 10 + 10_000 / 5
    fees = 0.0005 * (20_000 + 10_000)
    assert run.loss <= collateral + fees + 1e-6
    assert all(r.balance >= 0 for r in run.records)


def test_the_bitmex_example_isolated_is_gone_at_94_while_cross_shows_a_six_loss():
    # REFERENCE.md §1: 100 at 100 with 4 of isolated margin liquidates at 97; cross survives 94.
    from margin_lab.venues import venue

    legs = (Leg("XBT", "long", 1, 25, maintenance=0.01),)
    both = compare_modes(Portfolio(10, legs, venue=venue("bitmex")), {"XBT": [100, 98, 96, 94]})
    assert both.isolated.loss == pytest.approx(4)
    assert both.isolated.liquidated == ("XBT",)
    assert both.cross.liquidated == ()
    assert both.cross.loss == pytest.approx(6)


def test_a_candle_low_liquidates_a_long_whose_close_is_safe():
    legs = (Leg("BTC", "long", 1, 10),)
    closes = {"BTC": [20_000, 19_500, 19_800]}
    lows = {"BTC": [20_000, 17_900, 19_700]}
    highs = {"BTC": [20_000, 19_900, 19_900]}
    assert replay(Portfolio(5_000, legs), closes).liquidated == ()
    assert replay(Portfolio(5_000, legs), closes, lows=lows, highs=highs).liquidated == ("BTC",)


def test_a_candle_high_liquidates_a_short_but_a_low_does_not():
    legs = (Leg("BTC", "short", 1, 10),)
    closes = {"BTC": [20_000, 20_500, 20_200]}
    highs = {"BTC": [20_000, 22_100, 20_300]}
    lows = {"BTC": [20_000, 15_000, 20_100]}
    assert replay(Portfolio(5_000, legs), closes, lows=lows, highs=highs).liquidated == ("BTC",)


def test_a_stop_above_the_liquidation_price_limits_the_loss_and_one_below_never_fires():
    path = {"BTC": [20_000, 19_200, 18_500, 17_000]}
    liq = liquidation_price("long", 20_000, 1, 2_000, 0.005)
    above = replay(Portfolio(5_000, (Leg("BTC", "long", 1, 10, stop_loss=19_000),)), path,
                   lows={"BTC": [20_000, 18_900, 18_400, 16_900]})
    below = replay(Portfolio(5_000, (Leg("BTC", "long", 1, 10, stop_loss=liq - 100),)), path,
                   lows={"BTC": [20_000, 18_900, 18_000, 16_900]})
    assert above.liquidated == () and above.loss == pytest.approx(1_000)
    assert below.liquidated == ("BTC",) and below.loss == pytest.approx(2_000)


def test_adding_margin_at_the_warning_delays_the_liquidation():
    # 18,120 puts the level under the 1.5 warning without liquidating (liquidation at 18,090.45).
    path = {"BTC": [20_000, 19_200, 18_600, 18_200, 18_120, 17_900, 17_500]}
    plain = replay(Portfolio(5_000, (Leg("BTC", "long", 1, 10),)), path)
    ruled = replay(Portfolio(5_000, (Leg("BTC", "long", 1, 10),), add_margin_on_warning=1_000), path)
    assert _first_liquidation_step(plain) is not None
    later = _first_liquidation_step(ruled)
    assert later is None or later > _first_liquidation_step(plain)


def test_scheduled_actions_move_the_liquidation_price_and_refusals_are_noted():
    path = {"BTC": [20_000, 19_500, 19_400, 19_300]}
    actions = (Action(1, "add_margin", "BTC", 1_000), Action(2, "add_margin", "BTC", 1e9))
    run = replay(Portfolio(5_000, (Leg("BTC", "long", 1, 10),)), path, actions=actions)
    liq = run.series("liquidation_price", "BTC")
    assert liq[1] < liq[0]
    assert liq[1] == pytest.approx(liquidation_price("long", 20_000, 1, 3_000, 0.005))
    assert any("refused" in note for r in run.records for note in r.notes)


def test_the_ledger_accounts_for_the_final_equity():
    legs = (Leg("BTC", "long", 1, 10), Leg("ETH", "long", 10, 5, mode="cross"))
    run = replay(Portfolio(10_000, legs, fee_rate=0.001), {"BTC": [20_000, 18_000, 18_500],
                                                           "ETH": [1_000, 900, 950]}, funding_rate=0.0001)
    open_pnl = sum((run.records[-1].marks[s] - p) * q for s, p, q in (("ETH", 1_000, 10),)
                   if s in run.records[-1].marks)
    assert math.fsum(run.ledger.values()) + open_pnl == pytest.approx(run.final_equity, rel=1e-9)


@pytest.mark.parametrize(
    "build, argument",
    [
        (lambda: Leg("BTC", "flat", 1, 10), "side"),
        (lambda: Leg("BTC", "long", -1, 10), "size"),
        (lambda: Leg("BTC", "long", 1, 10, mode="hedged"), "mode"),
        (lambda: Portfolio(0, (Leg("BTC", "long", 1, 10),)), "balance"),
        (lambda: Portfolio(10, (Leg("A", "long", 1, 2), Leg("A", "short", 1, 2))), "symbols"),
        (lambda: Action(0, "close", "BTC"), "step"),
        (lambda: Action(1, "teleport", "BTC"), "kind"),
        (lambda: replay(Portfolio(1e5, (Leg("BTC", "long", 1, 10),)), {"BTC": [20_000, float("nan")]}), "prices"),
        (lambda: replay(Portfolio(1e5, (Leg("BTC", "long", 1, 10),)), {"ETH": [1, 2]}), "prices"),
    ],
)
def test_bad_input_names_the_argument(build, argument):
    with pytest.raises((ValueError, TypeError), match=argument):
        build()


@pytest.mark.parametrize(
    "path, message",
    [
        ([20_000, True, 19_000], r"prices\['BTC'\]\[1\] must be a finite price > 0, got True of type bool"),
        ([20_000, "19000"], r"prices\['BTC'\]\[1\] must be a finite price > 0, got '19000' of type str"),
        ("20000", r"prices\['BTC'\] must be a sequence of prices, got '20000'"),
        (20_000, r"prices\['BTC'\] must be a sequence of prices, got 20000"),
    ],
)
def test_a_price_that_is_not_a_number_is_refused_with_where_it_is(path, message):
    legs = (Leg("BTC", "long", size=1, leverage=10),)
    with pytest.raises(TypeError, match=message):
        replay(Portfolio(10_000, legs), {"BTC": path})


def test_numpy_prices_are_accepted_as_the_same_floats():
    import numpy as np

    legs = (Leg("BTC", "long", size=1, leverage=10),)
    plain = replay(Portfolio(10_000, legs), {"BTC": [20_000.0, 19_000.0, 18_000.0]})
    numpy = replay(Portfolio(10_000, legs), {"BTC": np.array([20_000, 19_000, 18_000])})
    assert numpy.records == plain.records


def test_a_one_path_price_paths_replays_as_its_closes_lows_and_highs():
    from margin_lab.paths import PricePaths

    closes = [[[20_000.0, 19_500.0, 18_500.0, 19_000.0]], [[1_000.0, 990.0, 900.0, 950.0]]]
    lows = [[[20_000.0, 19_000.0, 17_900.0, 18_800.0]], [[1_000.0, 980.0, 850.0, 940.0]]]
    highs = [[[20_000.0, 19_900.0, 19_000.0, 19_200.0]], [[1_000.0, 1_000.0, 950.0, 960.0]]]
    paths = PricePaths(closes, [0, 1, 2, 3], ("BTC", "ETH"), lows, highs)
    legs = (Leg("BTCUSDT", "long", size=1, leverage=10), Leg("ETH", "short", size=5, leverage=5))
    from_paths = replay(Portfolio(10_000, legs), paths)
    by_hand = replay(Portfolio(10_000, legs), {"BTCUSDT": closes[0][0], "ETH": closes[1][0]},
                     lows={"BTCUSDT": lows[0][0], "ETH": lows[1][0]},
                     highs={"BTCUSDT": highs[0][0], "ETH": highs[1][0]})
    assert from_paths.records == by_hand.records
    assert from_paths.liquidated == ("BTCUSDT",)  # the low of 17,900 reaches 18,090.45; no close does
    both = compare_modes(Portfolio(10_000, legs), paths)
    assert both.isolated.records == by_hand.records


def test_price_paths_with_many_paths_or_a_missing_asset_are_refused_by_name():
    from margin_lab.paths import gbm_paths

    many = gbm_paths(start_price=20_000, volatility=0.6, days=5, n_paths=3, seed=1, asset="BTC")
    legs = (Leg("BTC", "long", size=1, leverage=10),)
    with pytest.raises(ValueError, match=r"prices must hold one path, got a PricePaths of 3 paths: pick one"):
        replay(Portfolio(10_000, legs), many)
    with pytest.raises(ValueError, match=r"prices has no asset for the leg 'SOL': its assets are \['BTC'\]"):
        replay(Portfolio(10_000, (Leg("SOL", "long", size=1, leverage=10),)), many.path(0))
