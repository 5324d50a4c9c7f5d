"""Lesson 4's position manager: compute (managed_position), draw, and the explorer.

The numbers are checked against derivations written here (REFERENCE.md §1 for the liquidation
price, P_liq = (EP − s·M/Q) / (1 − s·r); funding = rate × Q × P per payment; a partial close
returns its share of the collateral), not against numbers the code printed. The explorer is
moved control by control; the figure and the summary must change with each.
"""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import (

    MANAGE_PATHS,

    collateral_to_survive,

    liquidation_path,

    manage_path,

    managed_position,

)

from margin_lab.plots import (

    draw_managed_position,

    draw_margin_level,

    render,

)
from margin_lab.scenarios import scenario
from margin_lab.widgets import position_manager_explorer

EP, Q, R = 20_000.0, 1.0, 0.005


def _liquidation(collateral: float, sign: int = 1, size: float = Q) -> float:
    """REFERENCE.md §1, written out: the price where M + s·Q·(P − EP) = r·Q·P."""
    return (EP - sign * collateral / size) / (1 - sign * R)


@pytest.fixture(scope="module")
def manager():
    return position_manager_explorer()


# ---- paths ---------------------------------------------------------------------------------------


def test_the_dip_falls_exactly_its_depth_on_day_one_third_and_recovers_above_the_start():
    for days, depth in ((60, 0.15), (90, 0.25), (30, 0.10)):
        dip = manage_path("dip", days=days, depth=depth)
        closes = dip.prices[0]
        assert closes[0] == EP and closes.min() == pytest.approx(EP * (1 - depth), abs=1e-9)
        assert int(closes.argmin()) == days // 3
        assert closes[-1] == pytest.approx(EP * 1.05)
        assert np.array_equal(dip.low, dip.prices) and np.array_equal(dip.high, dip.prices)


def test_named_scenarios_are_the_scenarios_module_paths_and_random_paths_follow_their_seed():
    ours, theirs = manage_path("crash", days=60), scenario("crash", start_price=EP, days=60)
    assert np.array_equal(ours.prices, theirs.prices) and np.array_equal(ours.low, theirs.low)
    first, again, other = (manage_path("random", seed=s).prices for s in (3, 3, 4))
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert first.shape == (1, 61)
    assert set(MANAGE_PATHS) == {"dip", "flat", "crash", "grind", "squeeze", "whipsaw", "random"}


def test_unknown_paths_and_bad_lengths_are_refused_by_name():
    with pytest.raises(ValueError, match="path must be one of"):
        manage_path("moon")
    with pytest.raises(ValueError, match="days must be a whole number >= 3"):
        manage_path("dip", days=2)


# ---- compute: what each action does --------------------------------------------------------------


def test_doing_nothing_on_the_dip_liquidates_at_the_reference_price_and_loses_the_collateral():
    m = managed_position("dip")
    assert m.start_liquidation_price == pytest.approx(18_090.45, abs=0.005)  # STYLE.md's worked example
    assert m.outcome == "liquidated" and m.loss == pytest.approx(2_000.0)
    day = m.liquidation_day
    assert m.closes[day - 1] > _liquidation(2_000) >= m.closes[day]


@pytest.mark.parametrize("add, day", [(500, 1), (1_100, 1), (2_000, 8)])
def test_adding_margin_moves_a_long_liquidation_price_to_the_formula_value(add, day):
    m = managed_position("dip", add_margin=add, add_margin_day=day)
    assert m.liquidation_prices[day - 1] == pytest.approx(_liquidation(2_000))
    assert m.liquidation_prices[day] == pytest.approx(_liquidation(2_000 + add))
    assert f"{_liquidation(2_000 + add):,.2f}" in m.summary()


def test_the_least_margin_from_the_formula_is_just_enough_on_the_replay():
    needed = collateral_to_survive("long", EP, Q, survive_price=17_000, maintenance_rate=R)
    assert needed == pytest.approx(EP - 17_000 * (1 - R))
    assert managed_position("dip", add_margin=needed - 2_000 + 5).outcome == "open"
    assert managed_position("dip", add_margin=needed - 2_000 - 5).outcome == "liquidated"


def test_reducing_half_the_size_leaves_the_liquidation_price_and_halves_what_is_left_at_risk():
    day = 5
    m = managed_position("dip", reduce_fraction=0.5, reduce_day=day)
    assert m.liquidation_prices[day] == pytest.approx(m.liquidation_prices[day - 1])
    assert m.collaterals[day] == pytest.approx(1_000.0)
    assert "liquidation price unchanged" in m.summary()
    realised = 0.5 * (EP - m.closes[day])  # the half closed at day 5's close
    assert m.outcome == "liquidated" and m.loss == pytest.approx(realised + 1_000.0)


def test_closing_on_a_day_realises_the_move_to_that_day():
    m = managed_position("dip", reduce_fraction=1, reduce_day=6)
    assert m.outcome == "closed" and m.end_day == 6
    assert m.loss == pytest.approx(EP - m.closes[6])


def test_a_long_stop_below_its_liquidation_price_never_fires():
    m = managed_position("dip", stop_loss=17_500)
    assert m.outcome == "liquidated" and m.loss == pytest.approx(2_000.0)
    assert "never fires" in m.summary()


def test_a_long_stop_above_its_liquidation_price_caps_the_loss_at_the_stop():
    for stop in (19_000, 18_500):
        m = managed_position("dip", stop_loss=stop)
        assert m.outcome == "stopped" and m.loss == pytest.approx(Q * (EP - stop))
        assert m.closes[m.end_day] <= stop < m.closes[m.end_day - 1]


def test_margin_added_after_the_liquidation_is_too_late_and_stays_in_the_wallet():
    m = managed_position("dip", add_margin=3_000, add_margin_day=30)
    assert m.outcome == "liquidated" and m.loss == pytest.approx(2_000.0)
    assert "too late" in m.summary()


@pytest.mark.parametrize("side, sign", [("long", 1), ("short", -1)])
def test_funding_on_a_flat_price_moves_the_liquidation_price_by_the_collateral_it_drains(side, sign):
    rate, days = 0.0001, 30
    m = managed_position("flat", side=side, funding_rate=rate, days=days)
    paid = sign * 3 * rate * Q * EP * days  # three 8-hour payments a day; longs pay a positive rate
    assert m.funding_paid == pytest.approx(paid)
    assert m.last_liquidation_price == pytest.approx(_liquidation(2_000 - paid, sign))
    assert m.loss == pytest.approx(paid)


def test_funding_can_undo_a_margin_top_up_that_was_just_enough():
    assert managed_position("dip", add_margin=1_100).outcome == "open"
    assert managed_position("dip", add_margin=1_100, funding_rate=0.0001).outcome == "liquidated"


def test_the_dip_gaps_past_the_narrow_warning_band_while_the_crash_slide_warns_first():
    quiet = managed_position("dip")
    assert quiet.warning_day is None and "no margin call before the liquidation" in quiet.summary()
    crash = managed_position("crash")
    assert crash.warning_day is not None and crash.warning_day <= crash.liquidation_day


def test_bad_plans_are_refused_naming_the_argument():
    with pytest.raises(ValueError, match="add_margin must be <= the 8,000.00 USDT left"):
        managed_position(add_margin=8_001)
    with pytest.raises(ValueError, match="stop_loss must be below the entry price"):
        managed_position(stop_loss=20_500)
    with pytest.raises(ValueError, match="stop_loss must be above the entry price"):
        managed_position(side="short", stop_loss=19_000)
    with pytest.raises(ValueError, match="reduce_day must be in"):
        managed_position(reduce_day=61)
    with pytest.raises(ValueError, match="leverage must be in"):
        managed_position(leverage=200)
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, 0.02\) \(below the initial margin rate"):
        managed_position(leverage=50, maintenance_rate=0.03)
    with pytest.raises(ValueError, match="funding_rate must be in"):
        managed_position(funding_rate=0.05)


@settings(max_examples=150, deadline=None)
@given(
    side=st.sampled_from([("long", 1), ("short", -1)]),
    move=st.floats(0.01, 0.6),
    rate=st.floats(0.0, 0.05),
    fee=st.floats(0.0, 0.002),
    size=st.floats(0.01, 50),
)
def test_collateral_to_survive_puts_the_liquidation_price_exactly_at_the_price(side, move, rate, fee, size):
    from margin_lab import liquidation_price

    name, sign = side
    target = EP * (1 - sign * move)
    needed = collateral_to_survive(name, EP, size, target, rate, fee_rate=fee)
    assert needed > 0
    assert liquidation_price(name, EP, size, needed, rate, fee_rate=fee) == pytest.approx(target, rel=1e-9)


def test_collateral_to_survive_is_zero_on_the_profitable_side():
    assert collateral_to_survive("long", EP, Q, survive_price=25_000, maintenance_rate=R) == 0.0


# ---- draw ----------------------------------------------------------------------------------------


def test_the_position_figure_draws_the_liquidation_line_the_stop_and_the_actions():
    m = managed_position("dip", add_margin=1_100, add_margin_day=3, reduce_fraction=0.5, reduce_day=25,
                         stop_loss=17_500)
    info = render(draw_managed_position, m).info
    stop_day = next(day for day, close in enumerate(m.closes) if close <= 17_500)  # first low under the stop
    assert info.title == f"Long 10x on the dip path: stopped out on day {stop_day}"
    assert (info.xlabel, info.ylabel) == ("Time (days)", "Price (USDT per BTC)")
    assert info.line("Liquidation price").y[4] == pytest.approx(_liquidation(3_100))
    assert info.line("Stop-loss 17,500.00").y == (17_500.0, 17_500.0)
    assert info.line("You added 1,100 on day 3").x == (3.0,)
    assert info.line(f"Stopped on day {stop_day}").y == (17_500.0,)
    assert info.line("Mark price").y == m.closes
    with pytest.raises(KeyError):
        info.line("You cut size")  # the reduction came after the stop: nothing to mark


def test_the_margin_level_figure_shows_the_gap_past_the_warning():
    m = managed_position("dip")
    info = render(draw_margin_level, m).info
    assert info.line("Margin call below 150 %").y == (150.0, 150.0)
    assert info.line("Liquidation at 100 %").y == (100.0, 100.0)
    level = info.line("Margin level").y
    assert level[0] == pytest.approx(100 * 2_000 / (R * EP))  # equity / maintenance at opening
    assert info.line(f"Liquidated on day {m.liquidation_day}").y[0] < 100
    assert not [line for line in info.lines if line.label.startswith("Margin call on")]


# ---- the explorer --------------------------------------------------------------------------------

_START = dict(path="dip", seed=7, leverage=10, add_margin_day=1, add_margin=0, reduce_day=1, reduce_fraction=0,
              stop_loss=0, funding_rate=0)


def _reset(explorer):
    explorer.set(**_START)
    assert explorer.status_text == ""


def test_the_handle_has_a_stable_text_and_every_control_a_description_and_tooltip(manager):
    assert repr(manager) == "Position manager (9 controls)"
    assert set(manager.controls) == set(_START)
    for name, control in manager.controls.items():
        assert control.description.strip() and control.tooltip.strip(), name
        assert getattr(control, "continuous_update", False) is False, name


def test_each_control_changes_the_figure_and_the_summary(manager):
    _reset(manager)
    moves = [("path", "crash"), ("path", "random"), ("seed", 12), ("leverage", 5), ("add_margin", 1_500),
             ("add_margin_day", 10), ("reduce_fraction", 0.5), ("reduce_day", 20), ("stop_loss", 15_000),
             ("funding_rate", 0.0005)]
    for name, value in moves:
        before, text = manager.figure_info(), manager.summary.value
        manager.set(**{name: value})
        assert manager.status_text == "", name
        assert manager.figure_info() != before and manager.summary.value != text, name


def test_the_seed_control_is_active_only_for_the_random_path(manager):
    _reset(manager)
    assert manager.controls["seed"].disabled
    manager.set(path="random")
    assert not manager.controls["seed"].disabled
    manager.controls["path"].value = "grind"  # as the browser does
    assert manager.controls["seed"].disabled and manager.result.path == "grind"


def test_explorer_numbers_follow_the_formulas(manager):
    _reset(manager)
    for leverage in (5, 20):
        manager.set(leverage=leverage, add_margin=1_000, add_margin_day=2)
        collateral = EP * Q / leverage
        line = manager.figure_info().line("Liquidation price").y
        assert line[0] == pytest.approx(_liquidation(collateral))
        assert line[2] == pytest.approx(_liquidation(collateral + 1_000))
    manager.set(path="flat", leverage=10, add_margin=0, funding_rate=0.0002)
    drained = 3 * 0.0002 * EP * 60
    assert manager.result.last_liquidation_price == pytest.approx(_liquidation(2_000 - drained))
    assert f"{_liquidation(2_000 - drained):,.2f}" in manager.summary.value


def test_a_refused_plan_shows_in_the_status_line_and_keeps_the_last_figure(manager):
    _reset(manager)
    shown, result = manager.output.outputs, manager.result
    manager.set(stop_loss=20_000)
    assert "stop_loss must be below the entry price" in manager.status_text
    assert manager.output.outputs == shown and manager.result is result
    manager.set(leverage=2, stop_loss=0, add_margin=100)  # 2x takes the whole wallet as collateral
    assert "add_margin must be <= the 0.00 USDT left" in manager.status_text
    manager.set(add_margin=0)
    assert manager.status_text == "" and manager.result.leverage == 2


def test_the_figure_agrees_with_lesson_three_on_the_liquidation_price(manager):
    _reset(manager)
    manager.set(leverage=20)
    lesson3 = liquidation_path("long", leverage=20).liquidation_price
    assert manager.figure_info().line("Liquidation price").y[0] == pytest.approx(lesson3)
