"""Tests for margin_lab.simulate_book and margin_lab.studies.own_book: equivalence of one cross
position with an isolated one backed by the whole free wallet (engine and simulation), standard
errors against the spread of independent seeds, closed forms against the simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from margin_lab.account import Account
from margin_lab.candles import sample_candles
from margin_lab.closed_form import liquidation_probability_exact
from margin_lab.simulate import Jumps, LegSpec, PortfolioSpec
from margin_lab.simulate_book import expected_shortfall_with_error, simulate_book
from margin_lab.studies.own_book import OwnLeg, coin_defaults, own_book

FIGURES = ("any_liquidation", "total_liquidation", "expected_loss", "expected_shortfall_95", "expected_shortfall_99")


# ---- One cross position is an isolated position backed by the whole free wallet -----------------


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("fee_rate", [0.0, 0.0005])
def test_engine_one_cross_position_liquidates_where_isolated_with_the_whole_free_wallet_does(side, fee_rate):
    wallet, size, entry = 3_000.0, 0.75, 20_000.0  # 15,000 notional, 10x on 1,500 of margin
    cross = Account(wallet, fee_rate=fee_rate)
    cross.open_cross("BTCUSDT", side, size, entry, maintenance=0.005, leverage=10)
    isolated = Account(wallet, fee_rate=fee_rate)
    isolated.open_isolated("BTCUSDT", side, size, entry, collateral=isolated.free_balance - fee_rate * size * entry,
                           maintenance=0.005)
    assert cross.liquidation_price("BTCUSDT") == pytest.approx(isolated.liquidation_price("BTCUSDT"), rel=1e-12)
    # and with only the 1,500 it needs, the isolated position liquidates much nearer the entry
    narrow = Account(wallet, fee_rate=fee_rate)
    narrow.open_isolated("BTCUSDT", side, size, entry, collateral=1_500, maintenance=0.005)
    gap = abs(narrow.liquidation_price("BTCUSDT") - entry)
    assert gap < abs(cross.liquidation_price("BTCUSDT") - entry) - 1_000


def test_simulation_one_cross_leg_equals_an_isolated_leg_backed_by_the_whole_wallet_path_by_path():
    wallet = 3_000.0
    cross_book = PortfolioSpec((LegSpec("BTC", "long", 10, 1_000, annual_volatility=0.7),))
    whole = PortfolioSpec((LegSpec("BTC", "long", 10 / 3, 3_000, annual_volatility=0.7),))  # same 10,000 notional
    kwargs = dict(n_paths=3_000, days=30, fee_rate=0.0005, funding_rate=0.0001, seed=11,
                  jumps=Jumps(rate=4, mean=-0.15, std=0.05))
    (cross,) = simulate_book(cross_book, wallet, modes=[["cross"]], **kwargs)
    (isolated,) = simulate_book(whole, wallet, modes=[["isolated"]], **kwargs)
    (narrow,) = simulate_book(cross_book, wallet, modes=[["isolated"]], **kwargs)
    for name in FIGURES:
        assert getattr(cross, name) == pytest.approx(getattr(isolated, name), rel=1e-9, abs=1e-9), name
    assert narrow.any_liquidation > cross.any_liquidation + 0.1  # 1,000 of margin instead of 3,000


def test_own_book_with_the_whole_wallet_in_one_leg_says_the_modes_are_the_same():
    book = own_book([OwnLeg("BTC", "long", 5, share=1.0)], 2_000, n_paths=2_000, seed=2)
    for name in FIGURES:  # the same paths through two code paths: equal up to summation order (numpy 1.26 vs 2)
        assert getattr(book.all_isolated, name) == pytest.approx(getattr(book.all_cross, name), rel=1e-12, abs=1e-12)
    assert book.liquidation_prices[0] == book.liquidation_prices[-1]
    assert "same position" in book.verdict()


# ---- Standard errors against the spread of independent seeds -----------------------------------


@pytest.mark.parametrize("leverage", [(8, 6), (2, 2)])
def test_standard_errors_match_the_spread_of_twenty_independent_seeds(leverage):
    # 8x and 6x: liquidations common; 2x: none, so the tail losses are not pinned at the capital
    book = PortfolioSpec((LegSpec("BTC", "long", leverage[0], 1_000, annual_volatility=0.6),
                          LegSpec("ETH", "short", leverage[1], 1_000, annual_volatility=0.75)), correlation=0.8)
    runs = [simulate_book(book, 2_000, modes=[["isolated", "isolated"], ["cross", "cross"]], n_paths=4_000,
                          days=30, fee_rate=0.0005, seed=seed) for seed in range(100, 120)]
    checked = 0
    for mode in range(2):
        for name in ("any_liquidation", "expected_loss", "expected_shortfall_95", "expected_shortfall_99"):
            values = np.array([getattr(run[mode], name) for run in runs])
            errors = np.array([getattr(run[mode], f"{name}_error") for run in runs])
            spread = values.std(ddof=1)
            if errors.max() == 0.0:  # the figure sits at a bound (no liquidation, or the whole capital lost)
                assert spread == 0.0, (mode, name, spread)
                continue
            # with 20 seeds the sample spread itself is known to about ±16 % (1/√(2·19))
            assert 0.6 * errors.mean() < spread < 1.6 * errors.mean(), (mode, name, spread, errors.mean())
            checked += 1
    assert checked >= 5


def test_expected_shortfall_error_of_a_normal_sample_matches_many_repeats():
    rng = np.random.default_rng(5)
    draws = [expected_shortfall_with_error(rng.standard_normal(5_000), 0.95) for _ in range(200)]
    values, errors = np.array([d[0] for d in draws]), np.array([d[1] for d in draws])
    assert values.mean() == pytest.approx(2.0627, abs=0.01)  # φ(1.645)/0.05 for a standard normal
    assert values.std(ddof=1) == pytest.approx(errors.mean(), rel=0.15)


# ---- Closed forms against the simulation --------------------------------------------------------


def test_a_leg_that_cannot_be_liquidated_loses_exactly_its_two_fees_on_average():
    # 1x long: no price liquidates it; with no drift E[R_T] = 1, so the expected loss is
    # fee·N at opening plus fee·N·E[R_T] at closing = 2·fee·N.
    book = PortfolioSpec((LegSpec("BTC", "long", 1, 2_000, annual_volatility=0.6),))
    (risk,) = simulate_book(book, 2_000, modes=[["isolated"]], n_paths=20_000, days=30, fee_rate=0.001, seed=3)
    assert risk.any_liquidation == 0.0
    assert abs(risk.expected_loss - 2 * 0.001 * 2_000) < 3 * risk.expected_loss_error


@pytest.mark.parametrize("side,leverage", [("long", 5), ("short", 10)])
def test_hourly_checks_agree_with_the_closed_form_for_one_isolated_leg(side, leverage):
    book = PortfolioSpec((LegSpec("BTC", side, leverage, 1_000, annual_volatility=0.8),))
    (risk,) = simulate_book(book, 1_000, modes=[["isolated"]], n_paths=20_000, days=30, steps_per_day=24, seed=8)
    exact = liquidation_probability_exact(side, leverage, 0.005, 0.8, 30, steps_per_day=24)
    # the shifted closed form is itself an approximation, within a few tenths of a point at 24 checks a day
    assert abs(risk.any_liquidation - exact) < 3 * risk.any_liquidation_error + 0.004


def test_exact_daily_checks_sit_between_the_shifted_and_the_continuous_closed_forms():
    # The Broadie-Glasserman-Kou shift approximates daily monitoring: here it is slightly low.
    book = PortfolioSpec((LegSpec("BTC", "long", 5, 1_000, annual_volatility=0.8),))
    (risk,) = simulate_book(book, 1_000, modes=[["isolated"]], n_paths=40_000, days=30, seed=21)
    continuous = liquidation_probability_exact("long", 5, 0.005, 0.8, 30)
    daily = liquidation_probability_exact("long", 5, 0.005, 0.8, 30, steps_per_day=1)
    assert daily < continuous
    assert risk.any_liquidation < continuous
    assert abs(risk.any_liquidation - daily) < 4 * risk.any_liquidation_error + 0.005


def test_funding_paid_by_longs_moves_a_long_closer_to_liquidation_and_a_short_away():
    common = dict(modes=[["isolated"]], n_paths=4_000, days=30, seed=4)
    long_book = PortfolioSpec((LegSpec("BTC", "long", 20, 500, annual_volatility=0.5),))
    short_book = PortfolioSpec((LegSpec("BTC", "short", 20, 500, annual_volatility=0.5),))
    assert (simulate_book(long_book, 500, funding_rate=0.001, **common)[0].any_liquidation
            > simulate_book(long_book, 500, **common)[0].any_liquidation)
    assert (simulate_book(short_book, 500, funding_rate=0.001, **common)[0].any_liquidation
            < simulate_book(short_book, 500, **common)[0].any_liquidation)


def test_an_isolated_leg_never_loses_more_than_its_collateral_even_through_gaps():
    book = PortfolioSpec((LegSpec("BTC", "long", 20, 500), LegSpec("ETH", "long", 2, 500)), correlation=0.8)
    crash = Jumps(rate=12, mean=-0.3, std=0.1)
    iso, cross = simulate_book(book, 3_000, modes=[["isolated", "isolated"], ["cross", "cross"]], n_paths=3_000,
                               jumps=crash, seed=6)
    assert iso.at_risk == 1_000 and cross.at_risk == 3_000
    assert iso.expected_shortfall_99 <= 1_000 + 1e-9
    assert cross.expected_shortfall_99 > 1_000


# ---- The learner's question and bad input --------------------------------------------------------


def test_the_learners_question_is_answered_with_every_mix_and_a_verdict_naming_the_trade_off():
    seen = []
    book = own_book([OwnLeg("BTC", "long", 10, 1_000), OwnLeg("ETH", "long", 5, 1_000)], 3_000, n_paths=2_000,
                    seed=1, progress=lambda done, total: seen.append((done, total)))
    assert [book.label(r) for r in book.risks] == ["all isolated", "BTC cross, ETH isolated",
                                                  "BTC isolated, ETH cross", "all cross"]
    assert seen[-1] == (2_000, 2_000)
    assert book.all_isolated.at_risk == 2_000 and book.all_cross.at_risk == 3_000
    verdict = book.verdict()
    assert "cross" in verdict and "isolated" in verdict and "±" in verdict
    assert "±" in book.summary() and "Verdict:" in book.summary()
    # cross liquidation prices are farther from the entry than isolated ones (more margin behind them)
    assert book.liquidation_prices[-1][0] < book.liquidation_prices[0][0]


def test_coin_defaults_name_the_real_sample_and_its_period():
    defaults = coin_defaults()
    for coin in ("BTC", "ETH", "SOL"):
        assert "Binance spot closes, 2024-01-01 to 2024-12-31" in defaults.sources[coin]
        assert "365 days" in defaults.sources[coin]
    assert "synthetic" not in defaults.summary() and "illustrative" in defaults.summary()
    assert defaults.correlation("ETH", "BTC") == defaults.correlation("BTC", "ETH") == defaults.correlations[("BTC", "ETH")]
    assert defaults.correlation("BTC", "XRP") == 0.8 and defaults.correlation("SOL", "sol") == 1.0


def test_own_candles_replace_one_coins_estimate_and_name_their_source():
    defaults = coin_defaults(sample_candles(), "BTC")
    assert "synthetic" in defaults.sources["BTC"] and "2024-01-01 to 2024-12-30" in defaults.sources["BTC"]
    assert defaults.volatility["ETH"] == coin_defaults().volatility["ETH"]


def test_own_book_uses_each_pairs_estimated_correlation_by_default():
    legs = [OwnLeg("BTC", "long", 5, 1_000), OwnLeg("SOL", "short", 5, 1_000)]
    book = own_book(legs, 2_000, 10, n_paths=1_000, mixes=False)
    assert book.portfolio.correlation[0][1] == pytest.approx(coin_defaults().correlation("BTC", "SOL"))
    assert "correlation 0.75" in book.summary()
    flat = own_book(legs, 2_000, 10, correlation=0.3, n_paths=1_000, mixes=False)
    assert flat.portfolio.correlation[0][1] == 0.3 and "correlation 0.3;" in flat.summary()


@pytest.mark.parametrize("kwargs,message", [
    (dict(legs=[OwnLeg("BTC", "long", 10, 4_000)], wallet=3_000), "must fit in the wallet"),
    (dict(legs=[OwnLeg("BTC", "long", 10, 1_000)], wallet=3_000, correlation=80), "correlation"),
    (dict(legs=[OwnLeg("BTC", "long", 10, 1_000)], wallet=3_000, volatility={"BTC": 60}), "volatility"),
    (dict(legs=[OwnLeg("BTC", "long", 10, 1_000)], wallet=3_000, fee_rate=0.05), "fee_rate"),
    (dict(legs=[OwnLeg("BTC", "long", 10, 1_000)], wallet=3_000, n_paths=10), "n_paths"),
])
def test_bad_input_is_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        own_book(**kwargs)


def test_a_leg_needs_exactly_one_of_collateral_and_share():
    with pytest.raises(ValueError, match="exactly one of collateral and share"):
        OwnLeg("BTC", "long", 10)
    with pytest.raises(ValueError, match="share"):
        OwnLeg("BTC", "long", 10, share=50)
    with pytest.raises(ValueError, match="entry_price is needed"):
        OwnLeg("DOGE", "long", 10, 100)
    assert math.isclose(OwnLeg("ETH", "short", 5, share=0.25).backing(3_000), 750)


# ---- Lesson 06's studies -------------------------------------------------------------------------


def test_the_daily_check_is_labelled_an_approximation_and_the_exact_figure_sits_near_it():
    from margin_lab.studies.daily_check import daily_check

    check = daily_check("short", leverage=10, annual_volatility=0.8, days=20, n_paths=40_000, seed=2)
    assert check.approximation < check.continuous
    assert check.simulated < check.continuous
    assert abs(check.simulated - check.approximation) < 4 * check.error + 0.006
    text = check.summary()
    assert "approximation" in text and "± " in text and "price drift 0" in text


def test_the_book_table_puts_the_same_money_at_risk_in_both_modes_and_defines_the_hedge_across_two_coins():
    from margin_lab.studies.own_book import book_table

    table = book_table(n_paths=1_000, seed=3)
    for book in table.books:
        assert book.all_isolated.at_risk == book.all_cross.at_risk == 3_000
        assert len(book.risks) == 2
    hedged = table.book("hedged")
    assert [(leg.coin, leg.side.value) for leg in hedged.legs] == [("BTC", "long"), ("ETH", "short")]
    assert hedged.all_cross.any_liquidation < hedged.all_isolated.any_liquidation
    assert "±" in table.summary()
