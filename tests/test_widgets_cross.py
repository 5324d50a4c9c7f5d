"""Lesson 5: the cross-vs-isolated explorer, its compute and draw steps, and the two price facts
(leverage setting, Hyperliquid backstop).

The expected numbers are derived here from the scenarios' documented daily multiples
(margin_lab.scenarios.SCENARIOS: a 0.5 %/day slide then a 0.55 close on day 10 for the crash, a
0.3 %/day drift then +15 % and +40 % overall for the squeeze) and from REFERENCE.md §1, not read
back from the explorer.
"""

from __future__ import annotations

import math

import pytest

from margin_lab import Account, venue
from margin_lab import (
    PORTFOLIOS,
    SCENARIO_DAYS,
    cross_vs_isolated,
    hyperliquid_backstop,
    leverage_settings,
)
from margin_lab.plots import (
    draw_cross_vs_isolated,
    draw_leverage_settings,
    plot_cross_vs_isolated,
    render,
)
from margin_lab.widgets import cross_explorer

BETA = {"BTC": 1.0, "ETH": 1.2, "SOL": 1.5}
START = {"BTC": 20_000.0, "ETH": 1_000.0, "SOL": 100.0}


def _crash(day: int) -> float:
    """BTC's level (start = 1) at the close of ``day`` in the 30-day stylised crash."""
    level = 1.0
    for d in range(1, day + 1):
        level *= 0.995 if d < 10 else 0.55 if d == 10 else 1.08 if d == 11 else 1.005
    return level


def _squeeze(day: int) -> float:
    """BTC's level at the close of ``day`` in the 30-day stylised squeeze (first squeeze day 20)."""
    level = 1.0
    for d in range(1, day + 1):
        level *= 0.997 if d < 20 else 1.15 if d == 20 else 1.40 / 1.15 if d == 21 else 0.99
    return level


def _price(asset: str, level: float) -> float:
    return START[asset] * level ** BETA[asset]


def _pnl(asset: str, side: str, size: float, level: float) -> float:
    sign = 1 if side == "long" else -1
    return sign * size * (_price(asset, level) - START[asset])


@pytest.fixture(scope="module")
def explorer():
    return cross_explorer()


def _png(handle):
    (entry,) = handle.output.outputs
    return entry["data"]["image/png"]


# ---- the compute step ---------------------------------------------------------------------------


def test_two_ten_x_longs_lose_their_margin_isolated_and_the_whole_wallet_in_cross():
    result = cross_vs_isolated("two_longs", "crash", leverage=10, margin=2_000, balance=10_000)
    crash = _crash(10)
    loss = -(_pnl("BTC", "long", 1, crash) + _pnl("ETH", "long", 20, crash))
    assert loss > 10_000  # the crash-day close takes more than the wallet holds
    assert result.isolated.loss == pytest.approx(4_000) and result.isolated.floor == pytest.approx(6_000)
    assert result.cross.final_equity == 0 and result.cross.liquidated == ("BTC", "ETH")
    assert result.isolated.first_liquidation == result.cross.first_liquidation == 10


def test_at_three_x_cross_rides_out_the_crash_that_liquidates_both_isolated_legs():
    result = cross_vs_isolated("two_longs", "crash", leverage=3)
    btc_isolated = (20_000 - 2_000 / 0.3) / (1 - 0.005)  # REFERENCE.md §1, M = 2,000 for 0.3 BTC
    assert _price("BTC", _crash(10)) < btc_isolated < _price("BTC", _crash(9))
    end = _crash(30)
    expected = 10_000 + _pnl("BTC", "long", 0.3, end) + _pnl("ETH", "long", 6, end)
    assert result.cross.liquidated == () and result.cross.final_equity == pytest.approx(expected)
    assert result.isolated.loss == pytest.approx(4_000)
    assert "the shared wallet kept the positions open longer" in result.summary()


def test_a_bigger_wallet_keeps_cross_alive_and_loses_more_than_isolated():
    result = cross_vs_isolated("two_longs", "crash", balance=30_000)
    end = _crash(30)
    expected = 30_000 + _pnl("BTC", "long", 1, end) + _pnl("ETH", "long", 20, end)
    assert result.cross.liquidated == () and result.cross.final_equity == pytest.approx(expected)
    assert result.isolated.final_equity == pytest.approx(26_000)
    assert result.cross.loss > result.isolated.loss


def test_the_hedged_pair_survives_in_cross_while_isolated_cuts_the_losing_leg():
    result = cross_vs_isolated("hedged_pair", "crash")
    end = _crash(30)
    assert result.cross.liquidated == ()
    assert result.cross.final_equity == pytest.approx(10_000 + _pnl("BTC", "long", 1, end) + _pnl("ETH", "short", 20, end))
    assert result.isolated.liquidated == ("BTC",)
    assert result.isolated.final_equity == pytest.approx(8_000 + _pnl("ETH", "short", 20, end))


def test_isolated_longs_at_twenty_x_die_in_the_drift_before_the_squeeze_that_cross_rides():
    result = cross_vs_isolated("two_longs", "squeeze", leverage=20)
    first = {}
    for asset in ("BTC", "ETH"):
        size = 2_000 * 20 / START[asset]
        trigger = (START[asset] - 2_000 / size) / (1 - 0.005)
        first[asset] = next(d for d in range(1, 31) if _price(asset, _squeeze(d)) <= trigger)
    assert [m.time for m in result.isolated.markers if m.kind == "liquidation"] == sorted(first.values())
    end = _squeeze(30)
    assert result.cross.liquidated == ()
    assert result.cross.final_equity == pytest.approx(10_000 + _pnl("BTC", "long", 2, end) + _pnl("ETH", "long", 40, end))


@pytest.mark.parametrize("portfolio", list(PORTFOLIOS))
@pytest.mark.parametrize("scenario", list(SCENARIO_DAYS))
@pytest.mark.parametrize("leverage", [2, 10, 20])
def test_isolated_never_loses_more_than_its_margin_and_cross_never_below_zero(portfolio, scenario, leverage):
    result = cross_vs_isolated(portfolio, scenario, leverage=leverage, margin=1_500)
    legs = len(PORTFOLIOS[portfolio][1])
    assert min(result.isolated.equity) >= result.isolated.floor - 1e-6
    assert result.isolated.floor == pytest.approx(10_000 - legs * 1_500)
    assert min(result.cross.equity) >= 0
    if not result.isolated.liquidated and not result.cross.liquidated:
        # the same positions through the same closes: nothing tells the modes apart
        assert result.isolated.equity == pytest.approx(result.cross.equity)


def test_bad_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="portfolio must be one of"):
        cross_vs_isolated("four_longs")
    with pytest.raises(ValueError, match="scenario must be one of"):
        cross_vs_isolated("two_longs", "melt-up")
    with pytest.raises(ValueError, match="margin must be a finite number > 0"):
        cross_vs_isolated(margin=-1)
    with pytest.raises(ValueError, match="collateral must be <="):
        cross_vs_isolated("three_longs", margin=4_000)


# ---- the draw step ------------------------------------------------------------------------------


def test_the_figure_shows_both_modes_side_by_side_with_their_equity_floors_and_events():
    result = cross_vs_isolated("two_longs", "crash")
    info = render(draw_cross_vs_isolated, result, ncols=2).info
    left, right = info.axes
    assert (left.title, right.title) == ("All isolated: lost 4,000 USDT", "All cross: lost 10,000 USDT")
    assert left.ylabel == "Account equity (USDT)" and left.xlabel == right.xlabel == "Time (days)"
    assert left.line("Account equity").y == pytest.approx(result.isolated.equity)
    assert right.line("Account equity").y == pytest.approx(result.cross.equity)
    assert left.line("Never at risk 6,000").y == (6_000.0, 6_000.0)
    assert right.line("Floor 0").y == (0.0, 0.0)
    assert left.line("Day 10: BTC, ETH liquidated").label.endswith("(lost 4,000.00)")
    assert right.line("Day 10: BTC, ETH liquidated").y == (0.0,)


def test_plot_cross_vs_isolated_prints_the_summary_under_the_figure(capsys):
    result = cross_vs_isolated("hedged_pair", "whipsaw")
    plot_cross_vs_isolated(result)
    assert result.summary() in capsys.readouterr().out


# ---- the explorer -------------------------------------------------------------------------------


def test_the_explorer_has_five_described_controls_and_a_stable_text(explorer):
    assert repr(explorer) == "Cross vs isolated explorer (5 controls)"
    for name, control in explorer.controls.items():
        assert control.description.strip() and control.tooltip.strip(), name
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False, name
    assert explorer.figure_info().axes[0].title == "All isolated: lost 4,000 USDT"


@pytest.mark.parametrize("name, value, check", [
    ("portfolio", "hedged_pair", lambda r: r.cross.liquidated == () and r.isolated.liquidated == ("BTC",)),
    ("scenario", "whipsaw", lambda r: r.scenario == "whipsaw" and r.days == 30),
    ("leverage", 3, lambda r: r.cross.liquidated == () and r.isolated.loss == pytest.approx(4_000)),
    ("margin", 1_000, lambda r: r.isolated.loss == pytest.approx(2_000) and r.isolated.floor == pytest.approx(8_000)),
    ("balance", 30_000, lambda r: r.cross.liquidated == () and r.isolated.final_equity == pytest.approx(26_000)),
])
def test_every_control_changes_the_figure_and_the_numbers(name, value, check):
    handle = cross_explorer()
    before_png, before_summary = _png(handle), handle.summary.value
    handle.set(**{name: value})
    assert handle.status_text == ""
    assert check(handle.result)
    assert _png(handle) != before_png and handle.summary.value != before_summary


def test_margin_that_does_not_fit_in_the_wallet_shows_in_the_status_line(explorer):
    explorer.set(portfolio="two_longs", scenario="crash", leverage=10, margin=2_000, balance=10_000)
    shown = explorer.result
    explorer.set(portfolio="three_longs", margin=5_000)
    assert explorer.status_text.startswith("⚠ Not drawn: collateral must be <=")
    assert explorer.result is shown
    explorer.set(margin=2_000)
    assert explorer.status_text == "" and explorer.result.portfolio == "three_longs"


# ---- leverage setting and backstop ---------------------------------------------------------------


def test_the_cross_liquidation_price_ignores_the_leverage_setting_while_isolated_follows_it():
    result = leverage_settings(leverages=(2, 5, 10, 20, 50))
    cross = (20_000 - 10_000 / 1) / (1 - 0.005)
    assert result.cross == pytest.approx([cross] * 5) and not result.cross_moves
    assert result.isolated == pytest.approx([(20_000 - 20_000 / lev) / (1 - 0.005) for lev in (2, 5, 10, 20, 50)])
    short = leverage_settings("short", leverages=(5, 20))
    assert short.cross == pytest.approx([(20_000 + 10_000) / (1 + 0.005)] * 2)
    info = render(draw_leverage_settings, result).info
    assert info.line("Cross").y == pytest.approx([cross] * 5)
    assert "10,050.25 at every setting" in result.summary()


def test_leverage_settings_refuses_a_setting_the_wallet_cannot_open():
    with pytest.raises(ValueError, match="free margin"):
        leverage_settings(leverages=(1,))
    with pytest.raises(TypeError, match="leverages must be a non-empty sequence"):
        leverage_settings(leverages=())


@pytest.mark.parametrize("side", ["long", "short"])
def test_the_backstop_triggers_at_two_thirds_of_maintenance_between_liquidation_and_bankruptcy(side):
    stop = hyperliquid_backstop(10_000, 5, 20_000, side, max_leverage=50)
    sign = 1 if side == "long" else -1
    for at, equity, share in ((stop.liquidation_price, stop.equity_at_liquidation, 1.0),
                              (stop.backstop_price, stop.equity_at_backstop, 2 / 3)):
        assert equity == pytest.approx(10_000 + sign * 5 * (at - 20_000))
        assert equity == pytest.approx(share * 0.01 * 5 * at)
    bankruptcy = 20_000 - sign * 10_000 / 5
    assert sign * (stop.liquidation_price - stop.backstop_price) > 0
    assert sign * (stop.backstop_price - bankruptcy) > 0


def test_the_market_liquidation_price_matches_the_engines_hyperliquid_preset():
    account = Account(10_000, venue=venue("hyperliquid"))
    account.open_cross("BTC", "long", 5, 20_000, maintenance=None, leverage=10)
    stop = hyperliquid_backstop(10_000, 5, 20_000)
    assert account.liquidation_price("BTC") == pytest.approx(stop.liquidation_price)
    assert "does not model this backstop" in stop.summary()


def test_the_backstop_refuses_a_max_leverage_out_of_range():
    with pytest.raises(ValueError, match=r"max_leverage must be in \[1, 100\]"):
        hyperliquid_backstop(10_000, 5, 20_000, max_leverage=0.5)
    assert math.isclose(hyperliquid_backstop(10_000, 1, 20_000, max_leverage=3).maintenance_rate, 1 / 6)
