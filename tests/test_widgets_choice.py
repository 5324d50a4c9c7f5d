"""Lesson 6: the liquidation-odds curve, the books in both modes and the mode chooser.

The numbers are checked against derivations written here, not against what the code printed:
the first-passage formula of Brownian motion with drift typed out by hand (with the
Broadie–Glasserman–Kou shift for daily checks), the Monte Carlo legs of each book against that
formula for their own side, a single position that must behave the same in both modes, a hedge
whose pool equity cannot move, and one position in a bigger wallet whose cross liquidation is the
single-position formula at the wallet's leverage. Random tests use fixed seeds.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from margin_lab import liquidation_price
from margin_lab.plots import render
from margin_lab.plots.choice import draw_liquidation_curve, draw_mode_choice, draw_mode_table
from margin_lab.studies.choice_curve import liquidation_curve
from margin_lab.studies.choice import BOOK_KINDS, GAP_NOTE, mode_choice, mode_table, wallet_book
from margin_lab.simulate import PortfolioSpec, simulate_modes
from margin_lab.widgets import mode_choice_explorer

PHI = NormalDist().cdf
# Broadie, Glasserman & Kou (1997), Mathematical Finance 7(4): beta = -zeta(1/2)/sqrt(2 pi),
# zeta(1/2) = -1.4603545088095868 (Riemann zeta at 1/2, DLMF 25.6).
BETA = 1.4603545088095868 / math.sqrt(2 * math.pi)


def _touch(side, leverage, rate, vol, days, checks_per_day=None):
    """P(the price touches the liquidation price within days), drift mu = 0, by hand."""
    entry = 100.0
    liq = liquidation_price(side, entry_price=entry, size=1.0, collateral=entry / leverage, maintenance_rate=rate)
    if liq is None or liq <= 0:
        return 0.0
    a = abs(math.log(liq / entry))
    t = days / 365
    if checks_per_day is not None:
        a += BETA * vol * math.sqrt(t / (days * checks_per_day))
    sign = 1 if side == "long" else -1
    m = sign * vol**2 / 2  # adverse drift of the log price when the price itself has none
    s = vol * math.sqrt(t)
    return PHI((-a + m * t) / s) + math.exp(2 * m * a / vol**2) * PHI((-a - m * t) / s)


def _se(p, n):
    return math.sqrt(max(p * (1 - p), 1 / n) / n)


def _png(explorer):
    (entry,) = explorer.output.outputs
    return entry["data"]["image/png"]


@pytest.fixture(scope="module")
def chooser():
    return mode_choice_explorer(n_paths=2_000)


# ---- the closed-form curve --------------------------------------------------------------------


def test_the_curve_is_the_first_passage_formula_watched_continuously_and_daily():
    curve = liquidation_curve(annual_volatility=0.6, days=30, check_leverages=())
    for leverage, continuous, daily in zip(curve.leverages, curve.continuous, curve.daily):
        assert continuous == pytest.approx(_touch("long", leverage, 0.005, 0.6, 30), abs=1e-12)
        assert daily == pytest.approx(_touch("long", leverage, 0.005, 0.6, 30, checks_per_day=1), abs=1e-12)
        assert daily <= continuous


def test_a_short_curve_uses_the_short_liquidation_price():
    curve = liquidation_curve("short", annual_volatility=0.9, days=14, check_leverages=(), points=5)
    assert curve.continuous == pytest.approx([_touch("short", x, 0.005, 0.9, 14) for x in curve.leverages])


def test_more_leverage_never_lowers_the_odds_and_an_unleveraged_long_is_never_liquidated():
    curve = liquidation_curve(check_leverages=())
    assert curve.continuous[0] == 0.0 and curve.daily[0] == 0.0
    assert all(b >= a for a, b in zip(curve.continuous, curve.continuous[1:]))


def test_the_monte_carlo_checks_agree_with_the_daily_formula():
    curve = liquidation_curve(annual_volatility=0.8, days=30, check_leverages=(3, 10, 40), paths=4_000, seed=11)
    for leverage, estimate, error in zip(curve.check_leverages, curve.check_estimates, curve.check_errors):
        exact = _touch("long", leverage, 0.005, 0.8, 30, checks_per_day=1)
        assert error == pytest.approx(_se(estimate, 4_000))
        assert abs(estimate - exact) <= 4 * _se(exact, 4_000), f"seed 11, {leverage}x: {estimate} vs {exact}"
    assert curve.checks_agree == sum(abs(p - curve.probability(x, daily=True)) <= 2 * e + 1e-12 for x, p, e in
                                     zip(curve.check_leverages, curve.check_estimates, curve.check_errors))


def test_the_curve_figure_and_summary_show_the_same_numbers():
    curve = liquidation_curve(check_leverages=(5, 20), paths=1_000, seed=2, marked=8)
    info = render(draw_liquidation_curve, curve).info
    assert info.xlabel == "Leverage (x)" and info.ylabel == "Chance of liquidation (%)"
    assert "30 days" in info.title and "60 %" in info.title
    checks = info.line("Monte Carlo, 1,000 paths (± 2 standard errors)")
    assert checks.x == (5.0, 20.0) and checks.y == pytest.approx([100 * p for p in curve.check_estimates])
    marked = next(line for line in info.lines if line.label.startswith("8x: "))
    assert marked.y[0] == pytest.approx(100 * _touch("long", 8, 0.005, 0.6, 30))
    text = curve.summary()
    assert f"at 5x: {100 * _touch('long', 5, 0.005, 0.6, 30):.1f} %" in text
    assert "Monte Carlo (1,000 paths, daily)" in text


def test_a_tiny_chance_is_not_written_as_zero():
    text = liquidation_curve(check_leverages=(), marked=2).summary()
    assert 0 < _touch("long", 2, 0.005, 0.6, 30) < 0.0005
    assert "at 2x: under 0.1 % / under 0.1 %" in text


@pytest.mark.parametrize("change, error, words", [
    (dict(days=7.5), ValueError, "days must be a whole number"),
    (dict(annual_volatility=0), ValueError, "annual_volatility"),
    (dict(max_leverage=250), ValueError, "maintenance_rate"),
    (dict(check_leverages=(60,)), ValueError, "check_leverages"),
    (dict(paths=0), ValueError, "paths"),
    (dict(side="flat"), ValueError, "side"),
    (dict(marked=0), ValueError, "marked"),
])
def test_the_curve_refuses_bad_settings_by_name(change, error, words):
    with pytest.raises(error, match=words):
        liquidation_curve(**change)


# ---- books in both modes ------------------------------------------------------------------------


def test_one_big_long_is_the_same_position_in_both_modes_and_matches_the_closed_form():
    c = mode_choice("one_big", leverage=10, annual_volatility=0.6, days=30, n_paths=3_000, seed=4).comparison
    assert c.isolated.liquidation_probability == c.cross.liquidation_probability
    assert c.isolated.expected_shortfall_99 == c.cross.expected_shortfall_99
    exact = _touch("long", 10, 0.005, 0.6, 30, checks_per_day=1)
    assert abs(c.isolated.liquidation_probability - exact) <= 4 * _se(exact, 3_000), "seed 4"


def test_a_hedged_pair_rarely_liquidates_in_one_pool_but_often_loses_a_leg_isolated():
    choice = mode_choice("hedged", leverage=5, annual_volatility=0.6, days=30, n_paths=3_000, seed=5)
    assert [(leg.asset, leg.side.value) for leg in choice.comparison.portfolio.legs] == [("BTC", "long"), ("ETH", "short")]
    iso, cross = choice.isolated, choice.cross
    # Isolated, each leg is one 5x position on a 60 % coin: the closed form per leg.
    for leg, side in zip(iso.leg_liquidation_probabilities, ("long", "short")):
        exact = _touch(side, 5, 0.005, 0.6, 30, checks_per_day=1)
        assert abs(leg - exact) <= 4 * _se(exact, 3_000), f"seed 5, {side}"
    assert max(iso.leg_liquidation_probabilities) <= iso.liquidation_probability <= sum(iso.leg_liquidation_probabilities)
    assert 0 < iso.expected_shortfall_95 <= iso.capital
    # One pool: the long's loss is mostly the short's gain; only the spread (vol 0.6·√0.4) can liquidate it.
    assert cross.liquidation_probability < min(iso.leg_liquidation_probabilities) / 10
    assert cross.expected_shortfall_99 < iso.expected_shortfall_99


def test_a_pair_on_perfectly_correlated_coins_never_liquidates_in_one_pool():
    # Correlation 1: the two coins move as one, so the long's loss is exactly the short's gain.
    pair = PortfolioSpec.example("hedged", leverage=5)
    perfect = PortfolioSpec(pair.legs, correlation=1.0)
    result = simulate_modes(perfect, n_paths=2_000, days=30, seed=5)
    assert result.cross.liquidation_probability == 0.0
    assert result.cross.expected_shortfall_99 == pytest.approx(0.0, abs=1e-6)
    assert result.isolated.liquidation_probability > 0.15


def test_unrelated_longs_are_liquidated_more_often_isolated_but_lose_everything_less_often():
    c = mode_choice("independent", leverage=5, annual_volatility=0.6, days=30, n_paths=3_000, seed=6).comparison
    p = _touch("long", 5, 0.005, 0.6, 30, checks_per_day=1)
    # Independent legs: P(at least one of three) = 1 - (1 - p)^3, P(all three) = p^3.
    assert abs(c.isolated.liquidation_probability - (1 - (1 - p) ** 3)) <= 4 * _se(1 - (1 - p) ** 3, 3_000)
    assert abs(c.isolated.total_loss_probability - p**3) <= 4 * _se(p**3, 3_000)
    assert c.cross.liquidation_probability < c.isolated.liquidation_probability
    assert c.cross.total_loss_probability > c.isolated.total_loss_probability


def test_the_table_and_the_chooser_show_the_same_simulation_for_the_same_settings():
    table = mode_table(n_paths=1_000, seed=3, leverage=8, annual_volatility=0.7, days=20)
    assert table.kinds == tuple(BOOK_KINDS) and len(table.rows()) == 2 * len(BOOK_KINDS)
    for kind in BOOK_KINDS:
        choice = mode_choice(kind, leverage=8, annual_volatility=0.7, days=20, n_paths=1_000, seed=3)
        assert table.comparison(kind).rows() == choice.comparison.rows()


def test_the_table_reports_progress_over_all_books():
    calls = []
    mode_table(("one_big", "hedged"), n_paths=2_500, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5_000, 5_000) and all(total == 5_000 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_table_figure_draws_each_book_in_both_modes():
    table = mode_table(("one_big", "independent", "hedged"), n_paths=800, seed=1)
    info = render(draw_mode_table, table, nrows=2, ncols=2).info
    titles = [ax.title for ax in info.axes]
    assert titles[0].startswith("A liquidation (5x") and titles[1:] == [
        "Everything lost", "Expected loss", "Average loss, worst 5 % of paths"]
    first, last = info.axes[0], info.axes[3]
    assert first.bar("Isolated").values == pytest.approx(
        [100 * c.isolated.liquidation_probability for c in table.comparisons])
    assert last.bar("Cross").values == pytest.approx(
        [100 * c.cross.expected_shortfall_95 / c.cross.capital for c in table.comparisons])
    assert first.ylabel == "Share of paths (%)" and last.ylabel == "Loss (% of capital)"
    assert "ES = expected shortfall" in table.summary() and "A hedged pair" in table.summary()


def test_a_position_in_a_bigger_wallet_is_liquidated_in_cross_at_the_wallets_leverage():
    # 10x with 2,000 collateral is a 20,000 position; a 5,000 wallet backs it 4x in cross.
    book = wallet_book(leverage=10, collateral=2_000, balance=5_000, annual_volatility=1.2)
    c = simulate_modes(book, n_paths=3_000, days=60, seed=8)
    iso_exact = _touch("long", 10, 0.005, 1.2, 60, checks_per_day=1)
    cross_exact = _touch("long", 4, 0.005, 1.2, 60, checks_per_day=1)
    assert abs(c.isolated.liquidation_probability - iso_exact) <= 4 * _se(iso_exact, 3_000), "seed 8"
    assert abs(c.cross.liquidation_probability - cross_exact) <= 4 * _se(cross_exact, 3_000), "seed 8"
    assert c.isolated.total_loss_probability == 0.0  # the cash is never touched isolated
    assert c.isolated.expected_shortfall_99 == pytest.approx(2_000)  # the loss stops at the collateral
    assert c.cross.expected_shortfall_99 > 2_000


def test_wallet_book_refuses_collateral_that_is_the_whole_wallet():
    with pytest.raises(ValueError, match="collateral must be < balance"):
        wallet_book(collateral=10_000, balance=10_000)


def test_an_unknown_book_or_an_impossible_leverage_is_refused_by_name():
    with pytest.raises(ValueError, match="kind must be one of"):
        mode_choice("two_big")
    with pytest.raises(ValueError, match=r"leverage must be in \(0, 50\]"):
        mode_choice("one_big", leverage=60)
    with pytest.raises(ValueError, match="kinds must name at least one book"):
        mode_table(())


# ---- the mode chooser ---------------------------------------------------------------------------


def test_the_chooser_displays_with_a_stable_text_and_labelled_controls(chooser):
    assert repr(chooser) == "Mode chooser (4 controls)"
    assert set(chooser.controls) == {"kind", "leverage", "annual_volatility", "days"}
    for name, control in chooser.controls.items():
        assert control.description.strip() and control.tooltip.strip(), name
        assert getattr(control, "continuous_update", False) is False, name
    children = chooser.view.children
    assert children.index(chooser.progress) == children.index(chooser.output) - 2  # then the status line
    assert chooser.progress.description == "Paths simulated" and chooser.progress.tooltip


def test_the_progress_bar_follows_the_simulation(chooser):
    before = chooser.progress_calls
    chooser.set(days=chooser.controls["days"].value + 1)
    assert chooser.progress_calls - before == 2  # 2,000 paths in chunks of 1,000
    assert (chooser.progress.value, chooser.progress.max) == (2_000, 2_000)


@pytest.mark.parametrize("name, value", [
    ("kind", "hedged"), ("leverage", 12), ("annual_volatility", 0.9), ("days", 45),
])
def test_each_control_changes_the_figure_and_the_numbers(chooser, name, value):
    chooser.set(kind="independent", leverage=5, annual_volatility=0.6, days=30)
    before_png, before = _png(chooser), chooser.result.summary()
    chooser.set(**{name: value})
    assert _png(chooser) != before_png and chooser.result.summary() != before
    settings = {"kind": "independent", "leverage": 5, "annual_volatility": 0.6, "days": 30, name: value}
    marked = next(line for line in chooser.figure_info().axes[0].lines if line.label.endswith("%"))
    assert marked.x == (settings["leverage"],)
    assert marked.y[0] == pytest.approx(
        100 * _touch("long", settings["leverage"], 0.005, settings["annual_volatility"], settings["days"]))
    bars = chooser.figure_info().axes[1]
    assert bars.bar("Isolated").values[0] == pytest.approx(100 * chooser.result.isolated.liquidation_probability)
    assert bars.bar("Cross").values[4] == pytest.approx(100 * chooser.result.cross.expected_shortfall_99_fraction)


def test_moving_a_control_like_a_browser_recomputes(chooser):
    chooser.set(kind="independent", leverage=5)
    chooser.controls["kind"].value = "hedged"
    result = chooser.result
    assert result.kind == "hedged" and result.cross.liquidation_probability < result.isolated.liquidation_probability / 10


def test_the_chooser_summary_states_both_modes_and_explains_a_negative_expected_loss(chooser):
    chooser.set(kind="one_big", leverage=20, annual_volatility=0.8, days=30)
    text = chooser.result.summary()
    assert text.startswith("One big long: one long on BTC with 3,000 of collateral at 20x")
    assert "A liquidation: about the same in both modes" in text
    risk = chooser.result.isolated
    assert f"everything lost in {100 * risk.total_loss_probability:.1f} %" in text
    assert (GAP_NOTE in text) == (min(risk.expected_loss, chooser.result.cross.expected_loss) < 0)


def test_the_chooser_refuses_values_its_controls_cannot_hold(chooser):
    with pytest.raises(ValueError, match="kind must be one of"):
        chooser.set(kind="two_big")
    with pytest.raises(ValueError, match=r"days must be in \[1, 90\]"):
        chooser.set(days=365)


def test_the_figure_draws_both_modes_with_a_legend():
    info = render(draw_mode_choice, mode_choice("correlated", n_paths=500), ncols=2).info
    left, right = info.axes
    assert left.xlabel == "Leverage (x)" and right.ylabel == "% of paths or of capital"
    assert right.legend == ("Isolated", "Cross") and right.title == "Three correlated longs, 5x"


def test_the_kept_curve_is_the_curve_computed_afresh():
    from margin_lab.studies.choice_curve import liquidation_curve
    from margin_lab.studies.choice import mode_choice

    for leverage in (3, 7):
        kept = mode_choice("hedged", leverage=leverage, days=20, n_paths=200).curve
        fresh = liquidation_curve("long", annual_volatility=0.6, days=20, maintenance_rate=0.005,
                                  max_leverage=50, check_leverages=(), marked=leverage)
        assert kept == fresh
    # numpy numbers are not kept (computed afresh), and give the same curve
    from dataclasses import replace

    import numpy as np

    numpy_days = mode_choice("hedged", leverage=np.float64(3), days=np.int64(20), n_paths=200).curve
    assert numpy_days == replace(fresh, marked=3.0)
