"""Price paths and stress scenarios (margin_lab.paths, margin_lab.scenarios); candles: test_candles.py.

Random tests use fixed seeds, compare sample moments with closed forms within a few standard
errors, and print the seed in their failure message.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from margin_lab.candles import touched
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
from margin_lab.scenarios import SCENARIOS, scenario

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
