"""Lesson 3 figures: liquidation distances, mark vs last price, fees and funding, tier ladder.

Numbers are checked against closed forms derived here from REFERENCE.md §1, against the Account
engine (funding out of the collateral), against the definition of a median (the mark), or
against REFERENCE.md's worked examples; never against numbers the plotting code printed.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account, MaintenanceSchedule
from margin_lab import (
    cost_drift,
    liquidation_distances,
    mark_vs_last,
    tier_ladder,
)
from margin_lab.plots import (
    PALETTE,
    draw_cost_drift,
    draw_mark_vs_last,
    draw_tier_ladder,
    render,
)
from margin_lab.studies.mark_price import BASIS_SAMPLES, PREMIUM

FAST = settings(max_examples=120, deadline=None)
OKABE_ITO = set(PALETTE.values())

#: Binance's example brackets (REFERENCE.md §1, ADA/BUSD): floors and rates.
BRACKETS = [(0, 0.025), (100_000, 0.05), (500_000, 0.10), (1_000_000, 0.15), (2_000_000, 0.25), (5_000_000, 0.50)]


def _closed_form_distance(side: str, leverage: float, rate: float, fee: float = 0.0) -> float:
    # REFERENCE.md §1 with M = Q·EP/L: long (1/L − k)/(1 − k), short (1/L − k)/(1 + k), k = r + f.
    k = rate + fee
    return (1 / leverage - k) / (1 - k) if side == "long" else (1 / leverage - k) / (1 + k)


# ---------------------------------------------------------------------------------------------
# Distances.


@FAST
@given(side=st.sampled_from(["long", "short"]), leverage=st.floats(1.2, 150), rate_share=st.floats(0, 0.6),
       fee_share=st.floats(0, 0.3))
def test_distance_table_matches_the_closed_form_and_stays_below_one_over_leverage(side, leverage, rate_share,
                                                                                  fee_share):
    rate, fee = rate_share / leverage, min(fee_share / leverage, 0.01)  # fees above 1 % are refused
    table = liquidation_distances([leverage], side=side, maintenance_rate=rate, fee_rate=fee)
    expected = _closed_form_distance(side, leverage, rate, fee)
    assert table.distances[0] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert table.distances[0] <= 1 / leverage + 1e-12


def test_the_reference_misconception_numbers_are_in_the_table():
    # REFERENCE.md §4: 50x with 0.5 % maintenance -> 1.5 %; 10x -> about 9.5 %, not 10 %.
    table = liquidation_distances([10, 50], maintenance_rate=0.005)
    assert table.distances == pytest.approx([0.095 / 0.995, 0.015 / 0.995])
    text = repr(table)
    assert "9.55 %" in text and "1.51 %" in text and "not 10 %" in text
    assert text == table.summary()


def test_distance_table_shows_none_for_a_long_that_no_price_liquidates():
    table = liquidation_distances([1, 2], maintenance_rate=0.005)
    assert table.liquidation_prices[0] is None and table.distances[0] == 1.0
    assert "none" in table.summary().splitlines()[2]


def test_distance_table_refuses_a_leverage_that_opens_liquidated_and_bad_lists():
    with pytest.raises(ValueError, match=r"leverages\[1\] must be in \(0, 200\) \(1/leverage above the maintenance rate\), got 250"):
        liquidation_distances([10, 250], maintenance_rate=0.005)
    with pytest.raises(TypeError, match="leverages must be a non-empty list"):
        liquidation_distances("10")
    with pytest.raises(ValueError, match=r"leverages\[0\] must be"):
        liquidation_distances([float("nan")])


# ---------------------------------------------------------------------------------------------
# Mark vs last.


def test_the_default_wick_touches_the_liquidation_price_but_the_mark_does_not():
    hour = mark_vs_last("long", leverage=20, maintenance_rate=0.005)
    assert hour.liquidation_price == pytest.approx((20_000 - 1_000) / (1 - 0.005))
    assert min(hour.last) == pytest.approx(20_000 * 0.93)
    assert min(hour.last) < hour.liquidation_price
    assert min(hour.mark) > hour.liquidation_price
    summary = hour.summary()
    assert "through the liquidation price" in summary and "not liquidated" in summary
    assert "would have liquidated the position during the wick" in summary


@pytest.mark.parametrize("side", ["long", "short"])
def test_the_mark_moves_at_most_the_averaged_basis_away_from_the_index(side):
    # median(index, index + b̄, last) lies between index and index + b̄ whenever last is beyond
    # both, so |mark − index| <= |b̄| <= (wick samples·|wick − index| + the rest·premium) / 30.
    hour = mark_vs_last(side, wick_seconds=15)
    samples = 3
    worst_gap = max(abs(a - b) for a, b in zip(hour.last, hour.index))
    bound = (samples * worst_gap + (BASIS_SAMPLES - samples) * PREMIUM * hour.entry_price) / BASIS_SAMPLES
    assert max(abs(m - i) for m, i in zip(hour.mark, hour.index)) <= bound + 1e-6
    # Outside the wick and its 2.5-minute echo the last price and the index stay within the premium.
    quiet = [abs(m - i) for t, m, i in zip(hour.times, hour.mark, hour.index) if t < 29 or t > 33]
    assert max(quiet) <= PREMIUM * hour.entry_price + 1e-6


def test_the_short_hour_mirrors_the_long_hour_about_the_entry():
    up, down = mark_vs_last("long"), mark_vs_last("short")
    for a, b in ((up.last, down.last), (up.mark, down.mark), (up.index, down.index)):
        assert [x + y for x, y in zip(a, b)] == pytest.approx([40_000] * len(a))
    assert up.liquidation_price + down.liquidation_price != pytest.approx(40_000)  # r·Q·P is not symmetric


def test_a_wick_longer_than_the_averaging_window_drags_the_mark_through():
    hour = mark_vs_last("long", wick_seconds=600)
    assert hour.touches(hour.mark_extreme[1])
    assert "the position is liquidated" in hour.summary()


def test_mark_vs_last_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, 0.02\) \(below the initial margin rate 1/leverage = 0.02"):
        mark_vs_last(leverage=50, maintenance_rate=0.02)
    with pytest.raises(ValueError, match="wick_start must be"):
        mark_vs_last(wick_start=60)
    with pytest.raises(ValueError, match="wick must be"):
        mark_vs_last(wick=0)


# ---------------------------------------------------------------------------------------------
# Fees and funding.


def test_funding_paid_through_the_account_moves_the_liquidation_price_as_the_figure_says():
    drift = cost_drift("long", leverage=10, maintenance_rate=0.005, fee_rate=0.0, funding_rate=0.0001, days=30)
    account = Account(10_000)
    account.open_isolated("BTCUSDT", "long", 1, 20_000, 2_000, 0.005)
    for _ in range(90):
        account.pay_funding("BTCUSDT", 0.0001)
    assert len(drift.times) == 91 and drift.times[-1] == pytest.approx(30)
    assert drift.funding_paid == pytest.approx(180)
    assert drift.with_funding[-1] == pytest.approx(account.liquidation_price("BTCUSDT"))
    assert account.positions["BTCUSDT"].collateral == pytest.approx(2_000 - 180)


def test_the_closing_fee_adds_to_the_rate_and_pulls_toward_the_entry():
    # Gate's convention (REFERENCE.md §1): r + fee in the denominator.
    drift = cost_drift("long", leverage=10, maintenance_rate=0.005, fee_rate=0.0005)
    assert drift.no_costs == pytest.approx(18_000 / 0.995)
    assert drift.with_fee == pytest.approx(18_000 / 0.9945)
    assert drift.no_costs < drift.with_fee < drift.with_funding[-1] < 20_000
    assert "toward the entry" in drift.summary()


@pytest.mark.parametrize("side, rate", [("short", 0.0001), ("long", -0.0001)])
def test_funding_received_moves_the_liquidation_price_away_from_the_entry(side, rate):
    drift = cost_drift(side, leverage=10, fee_rate=0.0, funding_rate=rate)
    s = 1 if side == "long" else -1
    assert s * (drift.no_costs - drift.with_funding[-1]) > 0
    assert drift.funding_paid == pytest.approx(-180)
    assert "received into the collateral" in drift.summary() and "away from the entry" in drift.summary()


def test_funding_alone_liquidates_on_the_payment_the_account_engine_liquidates():
    # 50x: 400 collateral, 100 maintenance at a flat 20,000; 22 per payment: 14 payments leave 92 < 100.
    drift = cost_drift("long", leverage=50, fee_rate=0.0, funding_rate=0.0011, days=30)
    assert drift.funding_liquidation_day == pytest.approx(14 * 8 / 24)
    account = Account(10_000)
    account.open_isolated("BTCUSDT", "long", 1, 20_000, 400, 0.005)
    kinds = []
    for _ in range(14):
        assert "liquidation" not in kinds
        account.pay_funding("BTCUSDT", 0.0011)
        kinds = [e.kind for e in account.update({"BTCUSDT": 20_000})]
    assert kinds == ["liquidation"]
    assert "funding alone liquidates the position on day 4.7" in drift.summary()


def test_cost_drift_refuses_bad_rates_by_name():
    with pytest.raises(ValueError, match="funding_rate must be"):
        cost_drift(funding_rate=1.5)
    with pytest.raises(ValueError, match=r"leverage must be in \(0, 142.9\) \(1/leverage above the maintenance rate plus "
                                         r"the closing fee\), got 150"):
        cost_drift(leverage=150, maintenance_rate=0.005, fee_rate=0.002)
    with pytest.raises(ValueError, match="days must cover at least one funding interval"):
        cost_drift(days=0.2)


# ---------------------------------------------------------------------------------------------
# Tier ladder.


def test_the_default_schedule_is_binances_example_with_the_reference_amounts():
    ladder = tier_ladder()
    assert list(zip(ladder.floors, ladder.rates)) == BRACKETS
    assert [round(a) for a in ladder.amounts] == [0, 2_500, 27_500, 77_500, 277_500, 1_527_500]
    assert "amount 1,527,500" in ladder.summary()


@pytest.mark.parametrize("side", ["long", "short"])
def test_at_each_liquidation_price_equity_meets_the_requirement_of_the_bracket_it_is_in(side):
    schedule = MaintenanceSchedule(BRACKETS)
    s = 1 if side == "long" else -1
    ladder = tier_ladder(schedule, sizes=[1, 4.5, 6, 20, 30, 100], leverage=3, side=side)
    for p in ladder.positions:
        at = p.liquidation_price
        equity = p.collateral + s * p.size * (at - 20_000)
        assert equity == pytest.approx(schedule.margin(p.size * at), rel=1e-9)
        floor, rate = BRACKETS[p.liquidation_tier - 1]
        assert p.liquidation_rate == rate and p.size * at >= floor
        entry_floor, entry_rate = BRACKETS[p.entry_tier - 1]
        assert p.entry_rate == entry_rate and p.notional >= entry_floor


def test_the_reference_tier_change_at_the_liquidation_notional():
    # 6 BTC long, 3x: notional 120,000 (5 %, amount 2,500); the 5 % formula gives
    # (20,000 − 42,500/6)/0.95 = 13,596.49, a notional of 81,579 < 100,000, so the 2.5 % bracket
    # applies: (20,000 − 40,000/6)/0.975.
    six = tier_ladder(sizes=[6], leverage=3).positions[0]
    assert six.entry_tier_price == pytest.approx((20_000 - 42_500 / 6) / 0.95)
    assert six.liquidation_price == pytest.approx((20_000 - 40_000 / 6) / 0.975)
    assert (six.entry_tier, six.liquidation_tier) == (2, 1)


@FAST
@given(sizes=st.lists(st.floats(0.1, 300), min_size=2, max_size=5, unique=True),
       side=st.sampled_from(["long", "short"]))
def test_a_bigger_position_at_the_same_leverage_is_never_liquidated_further_away(sizes, side):
    ladder = tier_ladder(sizes=sorted(sizes), leverage=2, side=side)
    distances = [p.distance for p in ladder.positions]
    assert all(b <= a + 1e-12 for a, b in zip(distances, distances[1:]))


def test_tier_ladder_refuses_a_leverage_the_top_bracket_cannot_carry():
    with pytest.raises(ValueError, match=r"leverage for sizes\[3\] = 100 must be in \(0, 8.989\) .*got 10: the position "
                                         r"would open at or past its own liquidation price"):
        tier_ladder(sizes=[1, 6, 30, 100], leverage=10)
    with pytest.raises(TypeError, match="schedule must be a MaintenanceSchedule"):
        tier_ladder(0.01)


# ---------------------------------------------------------------------------------------------
# Figures.


@functools.cache
def _drawn(case: str):
    cases = {
        "mark": (draw_mark_vs_last, mark_vs_last()),
        "mark-short": (draw_mark_vs_last, mark_vs_last("short", leverage=10)),
        "cost": (draw_cost_drift, cost_drift()),
        "cost-liquidated": (draw_cost_drift, cost_drift(leverage=50, funding_rate=0.0011)),
        "tiers": (draw_tier_ladder, tier_ladder()),
    }
    draw, result = cases[case]
    return render(draw, result).info


CASES = ["mark", "mark-short", "cost", "cost-liquidated", "tiers"]


@pytest.mark.parametrize("case", CASES)
def test_every_figure_has_a_title_units_and_labelled_okabe_ito_lines(case):
    info = _drawn(case)
    assert info.title and "(" in info.xlabel and "(" in info.ylabel
    styles = [(line.color.upper(), line.linestyle, line.marker) for line in info.lines]
    assert len(set(styles)) == len(styles), "two lines differ by nothing"
    assert {line.color.upper() for line in info.lines} <= {c.upper() for c in OKABE_ITO}
    assert all(line.label for line in info.lines)


def test_the_mark_figure_draws_the_three_prices_and_the_liquidation_line():
    hour, info = mark_vs_last(), _drawn("mark")
    assert info.line("Last traded price").y == hour.last
    assert info.line("Mark price").y == hour.mark
    assert info.line("Index").y == hour.index
    assert info.line("Liquidation").y[0] == pytest.approx(hour.liquidation_price)
    assert info.line("Wick").y == (min(hour.last),)


def test_the_cost_figure_steps_once_per_funding_payment_and_marks_a_funding_liquidation():
    drift, info = cost_drift(), _drawn("cost")
    assert info.line("Fee and funding").y == drift.with_funding
    assert info.line("No costs").y == (drift.no_costs, drift.no_costs)
    assert info.line("Closing fee").y == (drift.with_fee, drift.with_fee)
    assert _drawn("cost-liquidated").line("Liquidated by funding").x == (14 * 8 / 24,)


def test_the_tier_figure_draws_the_staircase_and_one_arrow_per_position():
    ladder, info = tier_ladder(), _drawn("tiers")
    assert info.xlabel == "Position notional (USDT, log scale)" and info.ylabel == "Maintenance rate (%)"
    staircase = info.line("Maintenance rate by notional")
    assert set(staircase.y) == {100 * r for r in ladder.rates}
    for p in ladder.positions:
        line = info.line(f"{p.size:g} BTC:")
        assert line.x == pytest.approx((p.notional, p.liquidation_notional))
        assert line.y == pytest.approx((100 * p.entry_rate, 100 * p.liquidation_rate))
