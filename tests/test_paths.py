"""Price paths, stress scenarios, candle files and touches (margin_lab.paths, margin_lab.scenarios).

Random tests use fixed seeds, compare sample moments with closed forms within a few standard
errors, and print the seed in their failure message.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab.margin import liquidation_price
from margin_lab.paths import (
    ASSET_DEFAULTS,
    PricePaths,
    _correlation_factor,
    _gbm_log_increments,
    _jump_log_increments,
    correlated_paths,
    gbm_paths,
    jump_diffusion_paths,
)
from margin_lab.scenarios import (
    SAMPLE_SEED,
    SCENARIOS,
    Candles,
    _first_touch,
    load_ohlc,
    sample_candles,
    scenario,
    touched,
    write_sample_csv,
)

DT = 1 / 365


def _excess_kurtosis(x: np.ndarray) -> float:
    centred = x - x.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2 - 3)


# --- GBM ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed, drift, vol, steps_per_day", [(11, 0.0, 0.6, 1), (12, 0.5, 1.0, 4), (13, -0.3, 0.25, 24)])
def test_gbm_log_returns_have_mean_mu_minus_half_sigma_squared_dt_and_variance_sigma_squared_dt(seed, drift, vol, steps_per_day):
    paths = gbm_paths(seed=seed, n_paths=2_000, days=100 // steps_per_day or 1, steps_per_day=steps_per_day,
                      drift=drift, volatility=vol)
    x = paths.log_returns().ravel()
    dt = DT / steps_per_day
    n = x.size
    mean, var = (drift - vol**2 / 2) * dt, vol**2 * dt
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / n), f"seed {seed}"
    assert abs(x.var(ddof=1) - var) < 4 * var * math.sqrt(2 / (n - 1)), f"seed {seed}"


def test_gbm_mean_final_price_grows_at_the_drift():
    seed = 21
    paths = gbm_paths(seed=seed, n_paths=20_000, days=90, drift=0.4, volatility=0.8, start_price=100)
    final = paths.prices[:, -1]
    expected = 100 * math.exp(0.4 * 90 / 365)
    assert abs(final.mean() - expected) < 4 * final.std(ddof=1) / math.sqrt(final.size), f"seed {seed}"


def test_a_path_without_volatility_is_the_drift_alone():
    paths = gbm_paths(seed=0, n_paths=3, days=10, steps_per_day=2, drift=0.73, volatility=0, start_price=50)
    np.testing.assert_allclose(paths.prices, np.broadcast_to(50 * np.exp(0.73 * paths.times / 365), (3, 21)))
    np.testing.assert_allclose(paths.times, np.arange(21) / 2)


def test_log_returns_of_gbm_have_no_excess_kurtosis():
    x = gbm_paths(seed=31, n_paths=2_000, days=100).log_returns().ravel()
    assert abs(_excess_kurtosis(x)) < 0.1, "seed 31"  # standard error about sqrt(24/n) = 0.011


@pytest.mark.parametrize("make", [gbm_paths, jump_diffusion_paths, correlated_paths])
def test_the_same_seed_gives_the_same_paths_and_different_seeds_differ(make):
    first, again, other = make(seed=5, n_paths=50, days=20), make(seed=5, n_paths=50, days=20), make(seed=6, n_paths=50, days=20)
    assert np.array_equal(first.prices, again.prices) and first == again
    assert not np.array_equal(first.prices, other.prices)
    from_rng = make(rng=np.random.default_rng(5), n_paths=50, days=20)
    assert np.array_equal(first.prices, from_rng.prices)


def test_a_shared_generator_keeps_drawing_fresh_numbers():
    rng = np.random.default_rng(8)
    assert not np.array_equal(gbm_paths(rng=rng, n_paths=5, days=5).prices, gbm_paths(rng=rng, n_paths=5, days=5).prices)


def test_the_kernel_in_chunks_has_the_same_moments_as_in_one_draw():
    rng = np.random.default_rng(41)
    chunks = np.concatenate([_gbm_log_increments(rng, 1_000, 365, DT, 0.2, 0.6) for _ in range(4)])
    assert chunks.shape == (4_000, 365)
    n, var = chunks.size, 0.36 * DT
    assert abs(chunks.mean() - (0.2 - 0.18) * DT) < 4 * math.sqrt(var / n), "seed 41"


# --- Jump-diffusion ----------------------------------------------------------------------------


def test_jump_diffusion_has_fat_tails():
    x = jump_diffusion_paths(seed=51, n_paths=2_000, days=200).log_returns().ravel()
    # Merton with the BTC defaults: fourth cumulant λ·dt·E[J⁴] over the variance squared is about 2.5.
    assert _excess_kurtosis(x) > 1, "seed 51"


def test_jump_diffusion_log_return_moments_match_merton():
    seed, mu, vol, lam, m, s = 52, 0.1, 0.5, 20.0, -0.04, 0.06
    x = jump_diffusion_paths(seed=seed, n_paths=2_000, days=200, drift=mu, volatility=vol,
                             jump_rate=lam, jump_mean=m, jump_std=s).log_returns().ravel()
    k = math.exp(m + s * s / 2) - 1
    mean = (mu - vol**2 / 2 - lam * k) * DT + lam * DT * m
    var = vol**2 * DT + lam * DT * (m * m + s * s)
    n = x.size
    fourth = np.mean((x - x.mean()) ** 4)
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / n), f"seed {seed}"
    assert abs(x.var(ddof=1) - var) < 4 * math.sqrt((fourth - var**2) / n), f"seed {seed}"


def test_the_jump_compensator_keeps_the_mean_price_growing_at_the_drift():
    seed = 53  # 50 jumps a year of about -10 %: without the compensator the mean would be ~13 % lower
    final = jump_diffusion_paths(seed=seed, n_paths=100_000, days=10, drift=0.2, jump_rate=50, jump_mean=-0.1,
                                 start_price=1.0).prices[:, -1]
    assert abs(final.mean() - math.exp(0.2 * 10 / 365)) < 4 * final.std(ddof=1) / math.sqrt(final.size), f"seed {seed}"


def test_jumps_only_move_prices_by_their_sizes():
    rng = np.random.default_rng(54)
    x = _jump_log_increments(rng, 200, 365, DT, 0.0, 0.0, 50.0, -0.1, 0.0)
    k = math.exp(-0.1) - 1
    moves = np.round((x + 50 * k * DT) / -0.1, 9)  # without diffusion every step is a whole number of jumps
    assert np.all(moves == np.round(moves)) and moves.max() >= 1


# --- Correlated assets -------------------------------------------------------------------------


def test_correlated_increments_have_the_input_correlation_and_each_assets_volatility():
    seed = 61
    corr = np.array([[1.0, 0.8, 0.5], [0.8, 1.0, 0.3], [0.5, 0.3, 1.0]])
    paths = correlated_paths(seed=seed, correlation=corr, n_paths=1_000, days=100)
    x = paths.log_returns().reshape(3, -1)
    n = x.shape[1]
    sample = np.corrcoef(x)
    assert np.all(np.abs(sample - corr) < 5 * (1 - corr**2) / math.sqrt(n) + 1e-12), f"seed {seed}: {sample}"
    for k, name in enumerate(paths.assets):
        var = ASSET_DEFAULTS[name].volatility ** 2 * DT
        assert abs(x[k].var(ddof=1) - var) < 4 * var * math.sqrt(2 / (n - 1)), f"seed {seed}, {name}"


def test_perfectly_correlated_assets_move_in_lockstep():
    paths = correlated_paths(seed=62, assets=("BTC", "ETH"), correlation=1.0, n_paths=10, days=30,
                             volatilities={"BTC": 0.5, "ETH": 1.0})
    z = paths.log_returns()
    # Same shock, twice the volatility: the ETH move is 2·(BTC move − its drift term) + ETH's drift term.
    np.testing.assert_allclose(z[1] + 0.5 * DT, 2 * (z[0] + 0.125 * DT), atol=1e-12)


def test_scalar_correlation_means_every_pair():
    factor = _correlation_factor(0.3, 3)
    np.testing.assert_allclose(factor @ factor.T, [[1, 0.3, 0.3], [0.3, 1, 0.3], [0.3, 0.3, 1]], atol=1e-12)


@pytest.mark.parametrize("matrix, words", [
    ([[1, 0.5], [0.4, 1]], "symmetric"),
    ([[1, 0.5], [0.5, 0.9]], "diagonal"),
    ([[1, 1.2], [1.2, 1]], "[-1, 1]"),
    ([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], "positive semi-definite"),
    ([[1, 0.5, 0], [0.5, 1, 0]], "2x2"),
    ([[1, float("nan")], [float("nan"), 1]], "finite"),
    (1.5, "[-1, 1]"),
])
def test_a_matrix_that_is_not_a_correlation_matrix_is_refused(matrix, words):
    assets = ("BTC", "ETH", "SOL") if np.ndim(matrix) == 2 and len(matrix) == 3 else ("BTC", "ETH")
    with pytest.raises(ValueError, match="correlation") as error:
        correlated_paths(seed=1, assets=assets, correlation=matrix)
    assert words in str(error.value)


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, words", [
    ({"volatility": -0.1}, ValueError, "volatility"),
    ({"volatility": float("nan")}, ValueError, "volatility"),
    ({"volatility": 60}, ValueError, "0.6 = 60 %"),
    ({"drift": float("inf")}, ValueError, "drift"),
    ({"n_paths": 0}, ValueError, "n_paths"),
    ({"days": 0}, ValueError, "days"),
    ({"steps_per_day": 0}, ValueError, "steps_per_day"),
    ({"n_paths": 2.5}, TypeError, "n_paths"),
    ({"start_price": 0}, ValueError, "start_price"),
    ({"start_price": -5}, ValueError, "start_price"),
    ({"asset": "DOGE"}, ValueError, "defaults exist only for"),
    ({"rng": np.random.default_rng(1)}, ValueError, "not both"),
    ({"jump_rate": -1}, ValueError, "jump_rate"),
    ({"jump_std": -0.1}, ValueError, "jump_std"),
])
def test_bad_generator_input_is_refused_by_name(kwargs, error, words):
    with pytest.raises(error) as caught:
        jump_diffusion_paths(seed=1, **{"n_paths": 2, "days": 2, **kwargs})
    assert words in str(caught.value)


def test_paths_never_come_from_hidden_randomness():
    with pytest.raises(TypeError, match="seed"):
        gbm_paths(n_paths=2, days=2)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        gbm_paths(rng=np.random.RandomState(1), n_paths=2, days=2)


def test_an_unknown_asset_works_once_given_its_start_and_volatility():
    paths = gbm_paths(seed=1, asset="DOGE", start_price=0.1, volatility=1.2, n_paths=2, days=3)
    assert paths.assets == ("DOGE",) and paths.prices[0, 0] == 0.1


# --- PricePaths --------------------------------------------------------------------------------


def test_price_paths_are_read_only_and_refuse_impossible_prices():
    paths = gbm_paths(seed=1, n_paths=2, days=3)
    with pytest.raises(ValueError):
        paths.prices[0, 0] = 1.0
    with pytest.raises(ValueError, match="prices must hold finite prices > 0"):
        PricePaths([[1.0, -2.0]], [0, 1], "BTC")
    with pytest.raises(ValueError, match="times"):
        PricePaths([[1.0, 2.0]], [1, 1], "BTC")
    with pytest.raises(ValueError, match="low must be <= prices"):
        PricePaths([[1.0, 2.0]], [0, 1], "BTC", low=[[1.0, 2.5]])
    with pytest.raises(ValueError, match="assets"):
        PricePaths([[[1.0, 2.0]], [[1.0, 2.0]]], [0, 1], ("BTC",))


def test_a_callers_array_stays_writable_and_is_copied():
    mine = np.array([[100.0, 101.0]])
    paths = PricePaths(mine, [0, 1], "BTC")
    mine[0, 0] = 1.0
    assert paths.prices[0, 0] == 100.0 and mine.flags.writeable


def test_resampled_candles_hold_the_extremes_of_their_steps():
    fine = gbm_paths(seed=71, n_paths=3, days=4, steps_per_day=24)
    daily = fine.resample(24)
    assert daily.prices.shape == (3, 5) and daily.times.tolist() == [0, 1, 2, 3, 4]
    for p in range(3):
        for day in range(1, 5):
            hours = fine.prices[p, 24 * (day - 1) : 24 * day + 1]  # the open and the 24 hourly closes
            assert daily.low[p, day] == min(hours) and daily.high[p, day] == max(hours)
            assert daily.prices[p, day] == hours[-1]


def test_one_asset_and_one_path_can_be_picked():
    paths = correlated_paths(seed=72, n_paths=4, days=5)
    eth = paths.asset("ETH")
    assert eth.prices.shape == (4, 6) and eth.assets == ("ETH",)
    np.testing.assert_array_equal(eth.prices, paths.prices[1])
    one = paths.path(2)
    assert one.prices.shape == (3, 1, 6) and one.asset("SOL").prices[0].tolist() == paths.prices[2, 2].tolist()
    with pytest.raises(ValueError, match="path number"):
        paths.path(4)


def test_summary_names_every_asset_and_the_size():
    text = correlated_paths(seed=73, n_paths=10, days=5).summary()
    assert "10 path(s) x 5 steps" in text and all(name in text for name in ("BTC", "ETH", "SOL"))


# --- Stress scenarios --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_is_deterministic_and_its_candles_contain_open_and_close(name):
    first, again = scenario(name), scenario(name)
    assert first == again
    p, low, high = first.prices[0], first.low[0], first.high[0]
    assert np.all(low[1:] <= np.minimum(p[:-1], p[1:])) and np.all(high[1:] >= np.maximum(p[:-1], p[1:]))
    assert "stylised" in first.description


def test_the_crash_falls_about_half_in_one_day_with_quiet_days_around_it():
    crash = scenario("crash", start_price=20_000, days=30)
    moves = crash.prices[0, 1:] / crash.prices[0, :-1]
    day = int(np.argmin(moves))
    assert moves[day] == pytest.approx(0.55)
    assert crash.low[0, day + 1] / crash.prices[0, day] == pytest.approx(0.50)
    assert np.all(np.abs(np.delete(moves, day) - 1) <= 0.08 + 1e-12)


def test_the_grind_ends_sixty_percent_lower_without_a_big_day():
    grind = scenario("grind", start_price=100)
    moves = grind.prices[0, 1:] / grind.prices[0, :-1]
    assert grind.n_steps == 180 and grind.prices[0, -1] == pytest.approx(40)
    assert np.all(np.abs(moves - 1) < 0.05)


def test_the_squeeze_gains_forty_percent_in_two_days_after_a_quiet_drift():
    squeeze = scenario("squeeze", start_price=100, days=30)
    p = squeeze.prices[0]
    moves = p[1:] / p[:-1]
    start = int(np.argmax(moves > 1.1))  # the first squeeze day
    assert p[start + 2] / p[start] == pytest.approx(1.40)
    assert np.all(np.abs(moves[:start] - 1) < 0.01)


def test_the_whipsaw_chops_eight_to_ten_percent_both_ways_without_a_trend():
    whip = scenario("whipsaw", start_price=100, days=30)
    moves = whip.prices[0, 1:] / whip.prices[0, :-1] - 1
    assert np.all((np.abs(moves) >= 0.075) & (np.abs(moves) <= 0.106))
    assert np.all(np.sign(moves[1:]) != np.sign(moves[:-1]))
    assert whip.prices[0, -1] == pytest.approx(100)


def test_assets_crash_together_each_by_its_beta():
    together = scenario("crash", days=30, assets=("BTC", "ETH", "SOL"))
    assert together.prices.shape == (3, 1, 31)
    btc = np.log(together.asset("BTC").low[0] / 20_000)
    for name in ("ETH", "SOL"):
        mine = together.asset(name)
        start, beta = ASSET_DEFAULTS[name].start_price, ASSET_DEFAULTS[name].beta
        np.testing.assert_allclose(np.log(mine.low[0] / start), beta * btc, atol=1e-12)
    worst = {name: together.asset(name).low.min() / together.asset(name).prices[0, 0] for name in together.assets}
    assert worst["SOL"] < worst["ETH"] < worst["BTC"]


def test_a_ten_x_long_is_liquidated_by_the_crash_days_low():
    crash = scenario("crash", start_price=20_000, days=30)
    level = liquidation_price("long", entry_price=20_000, size=1, collateral=2_000, maintenance_rate=0.005)
    assert level == pytest.approx(18_090.45, abs=0.01)  # REFERENCE.md §1 / STYLE.md worked example
    moves = crash.prices[0, 1:] / crash.prices[0, :-1]
    assert touched("long", crash, level) == int(np.argmin(moves)) + 1  # the crash day, not the slide before it


@pytest.mark.parametrize("call, error, words", [
    (lambda: scenario("moon"), ValueError, "'crash', 'grind', 'squeeze', 'whipsaw'"),
    (lambda: scenario("squeeze", days=2), ValueError, "days"),
    (lambda: scenario("crash", start_price=-1), ValueError, "start_price"),
    (lambda: scenario("crash", assets=("BTC", "ETH"), start_price=100), TypeError, "one price per asset"),
    (lambda: scenario("crash", assets=("BTC", "ETH"), betas={"BTC": 0}), ValueError, "betas['BTC']"),
    (lambda: scenario("crash", assets=("BTC", "BTC")), ValueError, "distinct"),
])
def test_bad_scenario_input_is_refused_by_name(call, error, words):
    with pytest.raises(error) as caught:
        call()
    assert words in str(caught.value)


# --- Candle files ------------------------------------------------------------------------------

GOOD = [
    "1700000000,100,110,95,105,12.5,40",
    "1700086400,105,108,99,101,8,31",
    "1700172800,101,103,90,92,20,77",
]


def _write(tmp_path, lines, name="prices.csv"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_kraken_file_loads_every_field(tmp_path):
    candles = load_ohlc(_write(tmp_path, GOOD))
    assert len(candles) == 3 and candles.name == "prices"
    assert candles.timestamps.tolist() == [1_700_000_000, 1_700_086_400, 1_700_172_800]
    assert candles.low.tolist() == [95, 99, 90] and candles.volume.tolist() == [12.5, 8, 20]
    assert candles.trades.tolist() == [40, 31, 77]


def test_a_file_with_a_header_loads_dates_in_any_case_and_ignores_other_columns(tmp_path):
    path = _write(tmp_path, ["Date,Open,High,Low,Close,Symbol", "2024-01-01,100,110,95,105,BTC",
                             "2024-01-02T00:00:00Z,105,108,99,101,BTC"])
    candles = load_ohlc(path, layout="header")
    assert candles.timestamps.tolist() == [1_704_067_200, 1_704_153_600] and candles.volume is None
    assert load_ohlc(_write(tmp_path, ["time,open,high,low,close,volume", "1700000000000,1,2,1,2,3"], "ms.csv"),
                     layout="header", time_unit="ms").timestamps.tolist() == [1_700_000_000]


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers(tmp_path):
    path = _write(tmp_path, [GOOD[0], "", GOOD[1], "1700172800,101,103,90,92,-20,77"])
    assert len(load_ohlc(_write(tmp_path, [GOOD[0], "", GOOD[1]], "ok.csv"))) == 2
    with pytest.raises(ValueError, match=r"line 4: volume"):
        load_ohlc(path)


BAD_FILES = [
    ([], "kraken", 1, "empty"),
    (["timestamp,open,high,low,close"], "header", 2, "only a header"),
    (["time,open,high,low", "1700000000,1,2,1"], "header", 1, "missing column(s) ['close']"),
    (["open,high,low,close", "1,2,1,2"], "header", 1, "timestamp/time/date"),
    (["time,open,open,low,close", "1,2,1,2,2"], "header", 1, "appear twice"),
    ([GOOD[0], "1700086400,105,108,99,101,8"], "kraken", 2, "expected 7 fields"),
    ([GOOD[0], "1700086400,105,abc,99,101,8,31"], "kraken", 2, "high must be a number, got 'abc'"),
    ([GOOD[0], "1700086400,105,108,99,-3,8,31"], "kraken", 2, "close must be a finite price > 0, got '-3'"),
    ([GOOD[0], "1700086400,105,108,99,0,8,31"], "kraken", 2, "close must be a finite price > 0, got '0'"),
    ([GOOD[0], "1700086400,nan,108,99,101,8,31"], "kraken", 2, "open must be a finite price > 0, got 'nan'"),
    ([GOOD[0], GOOD[1], "1700172800,101,90,103,92,20,77"], "kraken", 3, "high 90 is below low 103"),
    ([GOOD[0], "1700086400,120,108,99,101,8,31"], "kraken", 2, "open 120 is outside [low, high]"),
    ([GOOD[0], "1700086400,105,108,99,98,8,31"], "kraken", 2, "close 98 is outside [low, high]"),
    ([GOOD[0], GOOD[1], GOOD[1]], "kraken", 3, "repeats line 2"),
    ([GOOD[1], GOOD[0]], "kraken", 2, "earlier than line 1"),
    (["timestamp,open,high,low,close,volume,trades", GOOD[0]], "kraken", 1, "layout='header'"),
    ([GOOD[0], "1700086400,105,108,99,101,-8,31"], "kraken", 2, "volume must be a finite number >= 0"),
    ([GOOD[0], "1700086400.5,105,108,99,101,8,31"], "kraken", 2, "whole unix seconds"),
    (["1700000000000,100,110,95,105,12.5,40"], "kraken", 1, "time_unit='ms'"),
    ([GOOD[0], "1700086400,105,108,99,101,8,3.5"], "kraken", 2, "trades must be a whole count, got '3.5'"),
    (["date,open,high,low,close", "31/01/2024,1,2,1,2"], "header", 2, "ISO date"),
    (["date,open,high,low,close", "2024-01-01,1,2,1,2", "2024-01-02,1,2"], "header", 3, "expected 5 fields"),
]


@pytest.mark.parametrize("lines, layout, line, words", BAD_FILES)
def test_every_bad_file_names_the_file_the_line_and_the_problem(tmp_path, lines, layout, line, words):
    path = _write(tmp_path, lines)
    with pytest.raises(ValueError) as caught:
        load_ohlc(path, layout=layout)
    message = str(caught.value)
    assert message.startswith(f"{path} line {line}: "), message
    assert words in message, message


def test_an_unknown_layout_is_refused(tmp_path):
    with pytest.raises(ValueError, match="layout must be 'kraken'"):
        load_ohlc(_write(tmp_path, GOOD), layout="binance")


def test_candles_built_by_hand_are_checked_too():
    with pytest.raises(ValueError, match="candle 1: high 90 is below low 95"):
        Candles([0, 60], open=[100, 92], high=[101, 90], low=[99, 95], close=[100, 93])
    with pytest.raises(ValueError, match="candle 1: timestamp 0 is earlier than candle 0's 60"):
        Candles([60, 0], open=[100, 100], high=[101, 101], low=[99, 99], close=[100, 100])
    with pytest.raises(ValueError, match="whole unix seconds"):
        Candles([0.5], open=[100], high=[101], low=[99], close=[100])


def test_candles_become_one_path_whose_low_and_high_are_the_candles(tmp_path):
    candles = load_ohlc(_write(tmp_path, GOOD))
    paths = candles.to_paths()
    assert paths.prices.tolist() == [[100, 105, 101, 92]]
    assert paths.low.tolist() == [[100, 95, 99, 90]] and paths.high.tolist() == [[100, 110, 108, 103]]
    assert paths.times.tolist() == [0, 1, 2, 3]


# --- Touches -----------------------------------------------------------------------------------


def test_a_long_is_liquidated_by_a_low_even_when_the_close_is_safe():
    candles = Candles([0, 86_400, 172_800], open=[20_000, 19_900, 19_600], high=[20_100, 20_000, 19_700],
                      low=[19_800, 18_050, 19_400], close=[19_900, 19_600, 19_500])
    level = 18_090.45  # 10x long of 1 BTC at 20,000, 2,000 collateral, 0.5 % (REFERENCE.md)
    assert min(candles.close) > level
    assert touched("long", candles, level) == 1
    assert touched("long", candles.to_paths(), level) == 2  # point 2 closes candle 1
    closes_only = PricePaths(candles.to_paths().prices, [0, 1, 2, 3], "BTC")
    assert touched("long", closes_only, level) is None


def test_a_short_is_liquidated_by_a_high():
    candles = Candles([0, 60], open=[100, 101], high=[102, 111], low=[99, 100], close=[101, 104])
    assert touched("short", candles, 110) == 1 and touched("long", candles, 90) is None


def test_no_liquidation_price_means_never_touched():
    assert touched("long", sample_candles(), None) is None


def test_touched_wants_one_path_of_one_asset():
    with pytest.raises(ValueError, match="one path of one asset"):
        touched("long", gbm_paths(seed=1, n_paths=2, days=3), 100)
    with pytest.raises(ValueError, match="side"):
        touched("sideways", sample_candles(), 100)


candle_rows = st.lists(
    st.tuples(st.floats(1, 1_000), st.floats(0, 0.3), st.floats(0, 0.3), st.floats(0, 1)),
    min_size=1, max_size=30,
)


def _candles(rows) -> Candles:
    mids = np.array([r[0] for r in rows])
    low, high = mids * (1 - np.array([r[1] for r in rows])), mids * (1 + np.array([r[2] for r in rows]))
    weight = np.array([r[3] for r in rows])
    return Candles(np.arange(len(rows)) * 60, open=mids, high=high, low=low, close=low + weight * (high - low))


@settings(max_examples=150, deadline=None)
@given(candle_rows, st.floats(0.5, 1_500))
def test_touched_agrees_with_a_candle_by_candle_scan_and_mirrors_for_shorts(rows, level):
    candles = _candles(rows)
    scan = next((i for i in range(len(candles)) if candles.low[i] <= level), None)
    assert touched("long", candles, level) == scan
    # A short on 1/P sees the candle upside down: its high is 1/low, so it is touched at the same candle.
    mirror = Candles(candles.timestamps, 1 / candles.open, 1 / candles.low, 1 / candles.high, 1 / candles.close)
    assert touched("short", mirror, 1 / level) == scan


def test_the_touch_kernel_works_on_many_paths_at_once():
    low = np.array([[5.0, 4.0, 3.0], [5.0, 6.0, 7.0]])
    assert _first_touch(+1, low, low, 4.0).tolist() == [1, -1]
    assert _first_touch(-1, low, low, 6.0).tolist() == [-1, 1]


# --- The shipped sample ------------------------------------------------------------------------


def test_the_shipped_sample_equals_a_fresh_generation(tmp_path):
    from importlib.resources import files

    fresh = tmp_path / "sample.csv"
    write_sample_csv(fresh, seed=SAMPLE_SEED)
    shipped = files("margin_lab").joinpath("data", "sample_ohlcvt.csv").read_bytes()
    assert fresh.read_bytes() == shipped


def test_the_sample_is_a_year_of_daily_candles_in_kraken_layout(tmp_path):
    candles = sample_candles()
    assert len(candles) == 365 and set(np.diff(candles.timestamps)) == {86_400}
    assert candles.open[0] == 20_000 and candles.trades is not None
    assert np.all(candles.open[1:] == candles.close[:-1])  # synthetic: each day opens at the last close
    other = write_sample_csv(tmp_path / "other.csv", seed=SAMPLE_SEED + 1)
    assert not np.array_equal(other.close, candles.close)
