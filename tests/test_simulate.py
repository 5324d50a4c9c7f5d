"""Tests for margin_lab.closed_form and margin_lab.simulate.

Independent derivations rather than golden numbers: the closed form against the reflection
principle written out by hand, against a Brownian-bridge simulation (continuous watch) and a
step-by-step simulation (discrete checks) both written here; the library's Monte Carlo against the
closed form; isolated against cross on a single position; a perfect hedge in one pool; jumps
against the Poisson formula. Random tests use fixed seeds, named in their failure messages.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import liquidation_price
from margin_lab.closed_form import liquidation_probability_exact
from margin_lab.simulate import (
    Jumps,
    LegSpec,
    ModeComparison,
    PortfolioSpec,
    liquidation_probability,
    simulate_modes,
)

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)


def _phi_tail(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def _within(estimate, exact, n, sigmas=4.0, what=""):
    se = math.sqrt(max(exact * (1 - exact), 1 / n) / n)
    assert abs(estimate - exact) <= sigmas * se, f"{what}: {estimate} vs {exact} (SE {se:.2g})"


def _log_distance(side, leverage, rate):
    """|ln(P_liq/EP)| from the public liquidation_price, collateral = notional / leverage."""
    price = liquidation_price(side, entry_price=100.0, size=1.0, collateral=100.0 / leverage, maintenance_rate=rate)
    return abs(math.log(price / 100.0))


# --- closed form ------------------------------------------------------------------------------


def test_closed_form_is_the_reflection_principle_when_the_log_price_has_no_drift():
    # mu = sigma²/2 makes ln P driftless: P(min <= -a) = 2·Phi(-a / (sigma·√T)).
    a = _log_distance("long", 10, 0.005)
    expected = 2 * _phi_tail(a / (0.8 * math.sqrt(30 / 365)))
    assert liquidation_probability_exact("long", 10, 0.005, 0.8, 30, drift=0.32) == pytest.approx(expected, rel=1e-12)


def _bridge_probability(side, leverage, rate, vol, days, drift, n_paths, seed):
    """Continuous-watch liquidation probability by Brownian-bridge Monte Carlo (no library code).

    Between two checks the log price is a Brownian bridge; it crosses a level a above both ends
    with probability exp(-2·(a - y0)·(a - y1) / (sigma²·dt)), whatever the drift.
    """
    sign = 1 if side == "long" else -1
    a = _log_distance(side, leverage, rate)
    n_steps, years = 50, days / 365
    dt = years / n_steps
    rng = np.random.default_rng(seed)
    adverse = -sign * (drift - vol**2 / 2) * dt + vol * math.sqrt(dt) * rng.standard_normal((n_paths, n_steps))
    y = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(adverse, axis=1)], axis=1)
    below = np.maximum(a - y, 0.0)
    survive = 1 - np.exp(-2 * below[:, :-1] * below[:, 1:] / (vol**2 * dt))
    survive[(y[:, 1:] >= a)] = 0.0
    return 1 - np.prod(survive, axis=1).mean()


@pytest.mark.parametrize("side, leverage, vol, drift", [
    ("long", 5, 0.8, -0.5), ("long", 20, 0.3, 1.0), ("short", 3, 1.2, 0.8), ("short", 10, 0.6, -1.0),
])
def test_closed_form_matches_a_brownian_bridge_simulation(side, leverage, vol, drift):
    estimate = _bridge_probability(side, leverage, 0.005, vol, 60, drift, n_paths=20_000, seed=11)
    exact = liquidation_probability_exact(side, leverage, 0.005, vol, 60, drift=drift)
    # The bridge estimator has far less variance than a hit count: 4 hit-count SEs is generous.
    _within(estimate, exact, 20_000, what=f"{side} {leverage}x vol {vol} drift {drift}, seed 11")


def _brute_force(side, leverage, rate, vol, days, steps_per_day, drift, n_paths, seed):
    """Discrete-check liquidation probability, one step at a time over prices (no library code)."""
    threshold = liquidation_price(side, 1.0, 1.0, 1.0 / leverage, rate)
    dt = 1 / (365 * steps_per_day)
    rng = np.random.default_rng(seed)
    price = np.ones(n_paths)
    hit = np.zeros(n_paths, dtype=bool)
    for _ in range(round(days * steps_per_day)):
        price *= np.exp((drift - vol**2 / 2) * dt + vol * math.sqrt(dt) * rng.standard_normal(n_paths))
        hit |= price <= threshold if side == "long" else price >= threshold
    return hit.mean()


@pytest.mark.parametrize("side, leverage, vol, drift", [("long", 10, 0.8, 0.0), ("short", 20, 0.6, 0.5)])
def test_discrete_closed_form_matches_a_brute_force_fine_step_simulation(side, leverage, vol, drift):
    estimate = _brute_force(side, leverage, 0.005, vol, 5, 96, drift, n_paths=20_000, seed=5)
    exact = liquidation_probability_exact(side, leverage, 0.005, vol, 5, steps_per_day=96, drift=drift)
    _within(estimate, exact, 20_000, what=f"{side} {leverage}x, 15-minute checks, seed 5")


@FAST
@given(side=st.sampled_from(["long", "short"]), leverage=st.floats(1.5, 200), vol=st.floats(0.0, 3.0),
       days=st.integers(1, 400), drift=st.floats(-3, 3), steps=st.integers(1, 48))
def test_continuous_watch_never_gives_lower_odds_than_discrete_checks(side, leverage, vol, days, drift, steps):
    rate = 0.5 / leverage
    continuous = liquidation_probability_exact(side, leverage, rate, vol, days, drift=drift)
    discrete = liquidation_probability_exact(side, leverage, rate, vol, days, steps_per_day=steps, drift=drift)
    assert 0.0 <= discrete <= continuous + 1e-12 and continuous <= 1.0  # 1e-12: rounding near 1


@FAST
@given(side=st.sampled_from(["long", "short"]), leverage=st.floats(1.5, 100), vol=st.floats(0.05, 3.0),
       days=st.floats(1, 400), drift=st.floats(-3, 3))
def test_more_leverage_never_lowers_the_odds(side, leverage, vol, days, drift):
    lower = liquidation_probability_exact(side, leverage, 0.002, vol, days, drift=drift)
    higher = liquidation_probability_exact(side, leverage * 1.5, 0.002, vol, days, drift=drift)
    assert higher >= lower - 1e-12


@FAST
@given(leverage=st.floats(1.5, 100), share=st.floats(0.0, 0.9), vol=st.floats(0.05, 3.0), days=st.floats(1, 400))
def test_with_a_driftless_log_price_a_short_is_liquidated_more_often_than_the_same_long(leverage, share, vol, days):
    # ln(1+1/L) - ln(1+r) < -ln(1-1/L) + ln(1-r) whenever r < 1/L: the short's barrier is closer.
    rate = share / leverage
    drift = vol**2 / 2
    long = liquidation_probability_exact("long", leverage, rate, vol, days, drift=drift)
    short = liquidation_probability_exact("short", leverage, rate, vol, days, drift=drift)
    assert short >= long
    assert _log_distance("short", leverage, rate) <= _log_distance("long", leverage, rate)


@pytest.mark.parametrize("leverage", [2, 5, 10, 40])
def test_a_driftless_short_at_leverage_l_matches_a_long_at_l_plus_one(leverage):
    # With no maintenance the short's log distance ln(1 + 1/L) equals the long's -ln(1 - 1/(L+1)).
    drift = 0.5**2 / 2
    short = liquidation_probability_exact("short", leverage, 0.0, 0.5, 90, drift=drift)
    long = liquidation_probability_exact("long", leverage + 1, 0.0, 0.5, 90, drift=drift)
    assert short == pytest.approx(long, rel=1e-9)
    estimate = liquidation_probability("long", leverage + 1, 0.0, 0.5, 90, drift=drift, paths=20_000, seed=3)
    exact_daily = liquidation_probability_exact("short", leverage, 0.0, 0.5, 90, steps_per_day=1, drift=drift)
    _within(estimate, exact_daily, 20_000, what=f"long {leverage + 1}x vs short {leverage}x, seed 3")


def test_without_volatility_the_answer_is_certain():
    # Long 10x, 0.5 %: log distance ln(0.995/0.9) = 0.10034; a -50 %/year drift covers it after 73.25 days.
    for days, expected in ((73, 0.0), (74, 1.0)):
        assert liquidation_probability_exact("long", 10, 0.005, 0.0, days, drift=-0.5) == expected
        assert liquidation_probability_exact("long", 10, 0.005, 0.0, days, steps_per_day=4, drift=-0.5) == expected
        assert liquidation_probability("long", 10, 0.005, 0.0, days, drift=-0.5, paths=3) == expected
    # Short 10x, 0.5 %: ln(1.1/1.005) = 0.09033; +50 %/year covers it after 65.94 days.
    for days, expected in ((65, 0.0), (66, 1.0)):
        assert liquidation_probability_exact("short", 10, 0.005, 0.0, days, drift=0.5) == expected
        assert liquidation_probability("short", 10, 0.005, 0.0, days, drift=0.5) == expected
    assert liquidation_probability_exact("short", 10, 0.005, 0.0, 365, drift=-0.5) == 0.0


def test_a_long_at_leverage_one_or_less_cannot_be_liquidated():
    for leverage in (0.5, 1):
        assert liquidation_probability_exact("long", leverage, 0.0, 2.0, 365) == 0.0
        assert liquidation_probability("long", leverage, 0.0, 2.0, 365, paths=100) == 0.0


@pytest.mark.parametrize("drift", [-500.0, -50.0, 50.0, 500.0])
def test_extreme_drifts_give_probabilities_not_overflow(drift):
    for side in ("long", "short"):
        p = liquidation_probability_exact(side, 50, 0.005, 0.05, 365, drift=drift)
        assert 0.0 <= p <= 1.0 and math.isfinite(p)


# --- Monte Carlo against the closed form --------------------------------------------------------

GRID = [(side, leverage, vol, drift) for side in ("long", "short") for leverage in (2, 5, 10, 20, 50)
        for vol in (0.3, 0.8) for drift in (0.0, 0.5)]


@pytest.mark.parametrize("side, leverage, vol, drift", GRID)
def test_monte_carlo_is_within_four_standard_errors_of_the_corrected_closed_form(side, leverage, vol, drift):
    # Hourly checks: the Broadie-Glasserman-Kou shift assumes the barrier is more than about one
    # step's standard deviation away; 50x at 80 % is 1.5 % away, 1.8 hourly but 0.4 daily sigmas.
    n = 10_000
    estimate = liquidation_probability(side, leverage, 0.005, vol, 10, steps_per_day=24, drift=drift, paths=n, seed=7)
    exact = liquidation_probability_exact(side, leverage, 0.005, vol, 10, steps_per_day=24, drift=drift)
    _within(estimate, exact, n, what=f"{side} {leverage}x vol {vol} drift {drift}, seed 7")


def test_the_discrete_correction_beats_the_continuous_formula_even_for_a_close_barrier():
    estimate = liquidation_probability("short", 50, 0.005, 0.8, 90, paths=20_000, seed=2)
    corrected = liquidation_probability_exact("short", 50, 0.005, 0.8, 90, steps_per_day=1)
    continuous = liquidation_probability_exact("short", 50, 0.005, 0.8, 90)
    assert abs(estimate - corrected) < abs(estimate - continuous) / 3


def test_the_monte_carlo_estimate_is_reproducible_for_a_seed():
    args = ("long", 10, 0.005, 0.8, 30)
    assert liquidation_probability(*args, paths=5_000, seed=4) == liquidation_probability(*args, paths=5_000, seed=4)
    # Two seeds can tie by chance (seeds 4 and 5 both give 0.6212); six distinct seeds cannot all tie.
    assert len({liquidation_probability(*args, paths=5_000, seed=s) for s in range(6)}) > 1


def test_an_odd_path_count_uses_every_path_once():
    # Paths come in antithetic pairs; with an odd count the last twin is dropped, not counted.
    for paths in (1, 3, 7):
        p = liquidation_probability("long", 10, 0.005, 0.8, 30, paths=paths, seed=2)
        assert round(p * paths, 9) == int(round(p * paths))
    # A path and its mirror: with a driftless log price and a barrier as far above as below,
    # a long at L+1 and a short at L (rate 0) see the same twin pairs, hence the same count.
    drift = 0.5**2 / 2
    assert liquidation_probability("long", 6, 0.0, 0.5, 90, drift=drift, paths=4_000, seed=8) == \
        liquidation_probability("short", 5, 0.0, 0.5, 90, drift=drift, paths=4_000, seed=8)


BAD_SINGLE = [
    (dict(side="up"), ValueError, "side"),
    (dict(side=1), TypeError, "side"),
    (dict(leverage=0), ValueError, "leverage"),
    (dict(leverage=1001), ValueError, "leverage"),
    (dict(leverage=float("nan")), ValueError, "leverage"),
    (dict(maintenance_rate=0.1), ValueError, "maintenance_rate"),
    (dict(maintenance_rate=5), ValueError, "maintenance_rate"),
    (dict(annual_volatility=-0.1), ValueError, "annual_volatility"),
    (dict(annual_volatility=float("inf")), ValueError, "annual_volatility"),
    (dict(days=0), ValueError, "days"),
    (dict(days=True), TypeError, "days"),
    (dict(drift=float("nan")), ValueError, "drift"),
    (dict(days=1.5, steps_per_day=1), ValueError, "steps_per_day"),
    (dict(steps_per_day=0), ValueError, "steps_per_day"),
    (dict(steps_per_day=2.0), TypeError, "steps_per_day"),
]


@pytest.mark.parametrize("change, error, name", BAD_SINGLE)
def test_bad_input_is_refused_by_name(change, error, name):
    args = dict(side="long", leverage=10, maintenance_rate=0.005, annual_volatility=0.8, days=30) | change
    steps = args.pop("steps_per_day", 1)
    drift = args.pop("drift", 0.0)
    with pytest.raises(error, match=name):
        liquidation_probability(**args, steps_per_day=steps, drift=drift, paths=10)
    with pytest.raises(error, match=name):
        liquidation_probability_exact(**args, steps_per_day=steps, drift=drift)


@pytest.mark.parametrize("change, error, name", [
    (dict(paths=0), ValueError, "paths"), (dict(paths=10.0), TypeError, "paths"), (dict(seed=-1), ValueError, "seed"),
])
def test_bad_monte_carlo_settings_are_refused_by_name(change, error, name):
    with pytest.raises(error, match=name):
        liquidation_probability("long", 10, 0.005, 0.8, 30, **change)


# --- portfolio: isolated vs cross ---------------------------------------------------------------


def _leg(asset="BTC", side="long", leverage=10, collateral=1_000, vol=0.8, **kw):
    return LegSpec(asset, side, leverage, collateral, annual_volatility=vol, **kw)


def test_isolated_and_cross_agree_on_a_single_position():
    for side in ("long", "short"):
        result = simulate_modes(PortfolioSpec((_leg(side=side),)), n_paths=5_000, days=60, seed=9)
        iso, cross = result.isolated, result.cross
        assert iso.liquidation_probability == cross.liquidation_probability, f"{side}, seed 9"
        assert iso.expected_loss == pytest.approx(cross.expected_loss, abs=1e-6)
        assert iso.expected_shortfall_99 == pytest.approx(cross.expected_shortfall_99, abs=1e-6)


def test_a_single_position_portfolio_matches_the_closed_form():
    result = simulate_modes(PortfolioSpec((_leg(leverage=5, vol=0.6, annual_drift=-0.2),)), 20_000, 90, seed=4)
    exact = liquidation_probability_exact("long", 5, 0.005, 0.6, 90, steps_per_day=1, drift=-0.2)
    _within(result.isolated.liquidation_probability, exact, 20_000, what="seed 4")


def test_one_cross_pool_almost_never_liquidates_a_perfect_hedge():
    hedge = PortfolioSpec((_leg(side="long"), _leg(side="short")))
    result = simulate_modes(hedge, n_paths=5_000, days=365, seed=1)
    # Pool equity stays 2,000 while the maintenance 0.01·10,000·P/EP reaches it only at 20x the price.
    assert result.cross.liquidation_probability <= 0.001
    assert result.isolated.liquidation_probability > 0.9
    assert result.cross.expected_loss == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("first, second, rho", [("long", "short", 1.0), ("long", "long", -1.0)])
def test_perfectly_correlated_assets_hedge_like_one_asset(first, second, rho):
    book = PortfolioSpec((_leg("BTC", first), _leg("ETH", second)), correlation=rho)
    assert simulate_modes(book, n_paths=3_000, days=90, seed=2).cross.liquidation_probability <= 0.001


def test_correlation_makes_a_pool_of_longs_riskier():
    legs = (_leg("BTC", leverage=5, vol=0.6), _leg("ETH", leverage=5, vol=0.6), _leg("SOL", leverage=5, vol=0.6))
    apart = simulate_modes(PortfolioSpec(legs, correlation=0.0), 5_000, 90, seed=6).cross
    together = simulate_modes(PortfolioSpec(legs, correlation=0.9), 5_000, 90, seed=6).cross
    assert together.liquidation_probability > apart.liquidation_probability + 5 * together.standard_error


def test_results_do_not_depend_on_the_chunk_size():
    book = PortfolioSpec.example("correlated")
    runs = [simulate_modes(book, n_paths=5_000, days=60, seed=8, jumps=Jumps(3, -0.2, 0.1), chunk_paths=c)
            for c in (1_000, 2_500, 150)]
    assert runs[0] == runs[1] == runs[2]


def test_the_progress_callback_is_called_and_reaches_the_total():
    calls = []
    simulate_modes(PortfolioSpec.example("independent"), n_paths=2_350, days=10, chunk_paths=1_000,
                   progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1_000, 2_350), (2_000, 2_350), (2_350, 2_350)]


def test_losses_are_capped_at_the_capital_and_tail_measures_are_ordered():
    result = simulate_modes(PortfolioSpec.example("independent", leverage=20), n_paths=4_000, days=120, seed=3)
    for risk in (result.isolated, result.cross):
        assert risk.expected_loss <= risk.expected_shortfall_95 <= risk.expected_shortfall_99 <= risk.capital
        assert risk.expected_shortfall_99_fraction <= 1.0
        assert risk.total_loss_probability <= risk.liquidation_probability
    assert result.isolated.liquidation_probability >= max(result.isolated.leg_liquidation_probabilities)
    assert result.cross.total_loss_probability == result.cross.liquidation_probability


def test_expected_shortfall_of_an_unleveraged_long_matches_the_lognormal_formula():
    # Leverage 1: never liquidated, loss = C·(1 - R_T) with ln R_T ~ N(-sigma²T/2, sigma²T). The
    # worst (1 - alpha) share is R_T below its quantile, so with z = Phi^-1(1 - alpha):
    # ES_alpha = C·(1 - Phi(z - sigma·√T) / (1 - alpha)).
    spread = 0.8 * math.sqrt(90 / 365)
    normal = NormalDist()
    result = simulate_modes(PortfolioSpec((_leg(leverage=1, collateral=1_000, maintenance_rate=0.0),)),
                            n_paths=20_000, days=90, seed=13)
    for level, name in ((0.95, "expected_shortfall_95"), (0.99, "expected_shortfall_99")):
        expected = 1_000 * (1 - normal.cdf(normal.inv_cdf(1 - level) - spread) / (1 - level))
        for risk in (result.isolated, result.cross):
            assert getattr(risk, name) == pytest.approx(expected, rel=0.02), f"{name} {risk.mode}, seed 13"
    assert result.isolated.expected_loss == pytest.approx(0.0, abs=4 * 1_000 * spread / math.sqrt(20_000))


def test_crash_jumps_liquidate_as_often_as_the_poisson_law_says():
    # No diffusion; -50 % log jumps at rate 2 a year, compensated: the log price drifts up by
    # c = 2·(1 - e^-0.5) a year between jumps. A 10x long (log distance d) is liquidated by a first
    # jump by day j* = floor((0.5 - d)/(c/365)), or else by any second jump within the year
    # (c - 1 < -d), so P(survive) = P(no jump by j*)·P(at most one after) = e^-2·(1 + 2·(1 - j*/365)).
    distance = _log_distance("long", 10, 0.005)
    c = 2 * (1 - math.exp(-0.5))
    last_day = math.floor((0.5 - distance) / (c / 365))
    expected = 1 - math.exp(-2) * (1 + 2 * (1 - last_day / 365))
    book = PortfolioSpec((_leg(vol=0.0),))
    result = simulate_modes(book, n_paths=10_000, days=365, seed=12, jumps=Jumps(rate=2, mean=-0.5))
    _within(result.isolated.liquidation_probability, expected, 10_000, what=f"j* = {last_day}, seed 12")


def test_summary_and_rows_carry_both_modes():
    result = simulate_modes(PortfolioSpec.example("hedged"), n_paths=500, days=30)
    assert isinstance(result, ModeComparison)
    text = result.summary()
    assert "isolated" in text and "cross" in text and "expected shortfall 99 %" in text and "-0.00" not in text
    rows = result.rows()
    assert [r["mode"] for r in rows] == ["isolated", "cross"]
    assert rows[0]["expected_loss_fraction"] == pytest.approx(rows[0]["expected_loss"] / 3_000)


@pytest.mark.parametrize("correlation, error, words", [
    (((1, 0.9, -0.9), (0.9, 1, 0.9), (-0.9, 0.9, 1)), ValueError, "positive semi-definite"),
    (((1, 0.5, 0), (0.4, 1, 0), (0, 0, 1)), ValueError, "symmetric"),
    (((0.9, 0, 0), (0, 1, 0), (0, 0, 1)), ValueError, "diagonal"),
    (((1, 2, 0), (2, 1, 0), (0, 0, 1)), ValueError, r"\[-1, 1\]"),
    (((1, 0), (0, 1)), ValueError, "3x3"),
    (1.5, ValueError, "correlation"),
    (-0.6, ValueError, "positive semi-definite"),
    ("high", TypeError, "correlation"),
])
def test_an_impossible_correlation_is_refused(correlation, error, words):
    legs = (_leg("BTC"), _leg("ETH"), _leg("SOL"))
    with pytest.raises(error, match=words):
        PortfolioSpec(legs, correlation=correlation)


def test_bad_legs_and_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="maintenance_rate"):
        _leg(leverage=50, maintenance_rate=0.03)
    with pytest.raises(ValueError, match="collateral"):
        _leg(collateral=0)
    with pytest.raises(ValueError, match="leverage"):
        _leg(leverage=2_000)
    with pytest.raises(ValueError, match="annual_volatility"):
        PortfolioSpec((_leg("BTC", vol=0.6), _leg("BTC", side="short", vol=0.8)))
    with pytest.raises(TypeError, match="legs"):
        PortfolioSpec(())
    with pytest.raises(ValueError, match="rate"):
        Jumps(rate=-1, mean=-0.2)
    book = PortfolioSpec.example("one_big")
    for kwargs, error, name in ((dict(n_paths=0), ValueError, "n_paths"), (dict(days=-1), ValueError, "days"),
                                (dict(chunk_paths=0), ValueError, "chunk_paths"), (dict(progress=3), TypeError, "progress"),
                                (dict(jumps=0.1), TypeError, "jumps"), (dict(seed=1.5), TypeError, "seed")):
        with pytest.raises(error, match=name):
            simulate_modes(book, **{"n_paths": 10, "days": 5} | kwargs)
    with pytest.raises(TypeError, match="portfolio"):
        simulate_modes("BTC", 10, 5)


def test_a_subnormal_volatility_gives_the_deterministic_answer_not_a_division_by_zero():
    # Found by hypothesis: sigma = 3.9e-218 squares to 0.0.
    assert liquidation_probability_exact("long", 2.0, 0.25, 3.9e-218, 1) == 0.0
    assert liquidation_probability_exact("long", 2.0, 0.25, 3.9e-218, 1, steps_per_day=1) == 0.0


def test_a_volatility_typed_as_a_percentage_is_refused_by_every_probability():
    from margin_lab import liquidation_probability, liquidation_probability_exact

    for probability in (liquidation_probability, liquidation_probability_exact):
        with pytest.raises(ValueError, match=r"annual_volatility must be in \[0, 5\].*got 60"):
            probability("long", 10, 0.005, 60, 30)
