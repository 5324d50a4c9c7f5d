"""Lesson 1's leverage table and margin-convention figure.

Numbers are checked against closed forms written out here from REFERENCE.md §0-§1 (IM = Q·EP/L,
equity = M + s·Q·(P − EP), MM = r·Q·P), against the Account engine (an independent
implementation of the same position), or against the long/short mirror; never against numbers
the compute code printed.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account
from margin_lab import (
    LeverageTable,
    leverage_table,
    margin_conventions,
)
from margin_lab.plots import (
    PALETTE,
    draw_margin_conventions,
    render,
)

FAST = settings(max_examples=120, deadline=None)
SIDES = st.sampled_from(["long", "short"])


def _hand_equity(side: str, size: float, entry: float, mark: float, collateral: float) -> float:
    sign = 1 if side == "long" else -1
    return collateral + sign * size * (mark - entry)


# --- leverage_table ------------------------------------------------------------------------


def test_the_same_position_at_every_leverage_has_the_same_pnl_but_less_equity_as_leverage_rises():
    table = leverage_table(leverages=[2, 5, 10, 20], mark_price=19_000)
    # By hand: 1 BTC at 20,000 falling to 19,000 loses 1,000; collateral 20,000 / L.
    assert [r.collateral for r in table.rows] == [10_000, 4_000, 2_000, 1_000]
    assert {r.unrealized_pnl for r in table.rows} == {-1_000}
    assert [r.equity for r in table.rows] == [9_000, 3_000, 1_000, 0]
    assert [r.maintenance_margin for r in table.rows] == pytest.approx([0.005 * 19_000] * 4)
    assert [r.liquidated for r in table.rows] == [False, False, False, True]


def test_a_row_is_liquidated_exactly_when_the_account_engine_liquidates_that_position():
    table = leverage_table(leverages=[2, 10, 19, 21, 50], mark_price=19_000)
    for row in table.rows:
        account = Account(100_000)
        account.open_isolated("BTCUSDT", "long", 1, 20_000, row.collateral, 0.005)
        events = account.update({"BTCUSDT": 19_000})
        assert row.liquidated == any(e.kind == "liquidation" for e in events), row.leverage
        if not row.liquidated:
            position = account.positions["BTCUSDT"]
            assert position.margin_level == pytest.approx(row.margin_level)
            assert position.liquidation_price == pytest.approx(row.liquidation_price)


@FAST
@given(side=SIDES, leverage=st.floats(1.5, 100), move=st.floats(-0.3, 0.3), rate=st.floats(0.001, 0.0099))
def test_table_rows_follow_the_closed_forms_and_the_two_conventions_are_inverses(side, leverage, move, rate):
    mark = 20_000 * (1 + move)
    row = leverage_table(side, leverages=[leverage], mark_price=mark, maintenance_rate=rate).rows[0]
    collateral = 20_000 / leverage
    equity = _hand_equity(side, 1, 20_000, mark, collateral)
    assert row.collateral == pytest.approx(collateral)
    assert row.equity == pytest.approx(equity, abs=1e-6)
    assert row.margin_level == pytest.approx(equity / (rate * mark), abs=1e-9)
    if equity > 0:
        assert row.margin_level * row.margin_ratio == pytest.approx(1.0)
    else:
        assert math.isinf(row.margin_ratio) and row.liquidated


@FAST
@given(leverage=st.floats(1.5, 100), move=st.floats(0.0, 0.3))
def test_a_long_and_a_short_mirror_each_other(leverage, move):
    down = leverage_table("long", leverages=[leverage], mark_price=20_000 * (1 - move)).rows[0]
    up = leverage_table("short", leverages=[leverage], mark_price=20_000 * (1 + move)).rows[0]
    assert down.unrealized_pnl == pytest.approx(up.unrealized_pnl, abs=1e-6)
    assert down.equity == pytest.approx(up.equity, abs=1e-6)


def test_the_table_text_has_a_row_per_leverage_and_the_summary_names_the_liquidated_one():
    table = leverage_table(leverages=[2, 20], mark_price=19_000)
    lines = table.table().splitlines()
    assert lines[0].split()[:2] == ["leverage", "collateral"]
    assert lines[1].lstrip().startswith("2x") and lines[2].lstrip().startswith("20x")
    assert "19,095.48 (passed)" in lines[2]  # (20,000 − 1,000) / (1 − 0.005), by hand
    summary = table.summary()
    assert "-1,000.00 USDT at every leverage" in summary
    assert "20x: collateral 1,000.00 USDT; equity 0.00 USDT" in summary and "already have closed it" in summary
    assert repr(table) == f"{table.table()}\n\n{summary}"
    assert table.row(2).equity == 9_000
    with pytest.raises(ValueError, match="leverage must be one of"):
        table.row(3)


def test_the_table_is_frozen():
    table = leverage_table()
    assert isinstance(table, LeverageTable)
    with pytest.raises(AttributeError):
        table.mark_price = 1  # type: ignore[misc]


@pytest.mark.parametrize("arguments, message", [
    ({"leverages": []}, "number of leverages"),
    ({"leverages": [2, 2]}, "leverages must all be different"),
    ({"leverages": [2, -1]}, r"leverages\[1\]"),
    ({"leverages": "2,5"}, "leverages must be a list"),
    ({"leverages": [250]}, r"maintenance_rate must be in \[0, [0-9.]+\) \(below the initial margin rate"),
    ({"mark_price": 0}, "mark_price"),
    ({"maintenance_rate": 0.0}, "maintenance_rate"),
    ({"side": "sideways"}, "side"),
])
def test_leverage_table_refuses_bad_input_by_name(arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        leverage_table(**arguments)


# --- margin_conventions ----------------------------------------------------------------------


def test_a_binance_ratio_of_80_percent_is_a_kraken_level_of_125_percent_and_close_to_liquidation():
    c = margin_conventions(leverage=10, margin_ratio=0.8)
    # By hand: 0.005·P = 0.8·(2,000 + P − 20,000)  =>  P = 14,400 / 0.795.
    assert c.mark_price == pytest.approx(14_400 / 0.795)
    assert c.margin_ratio == pytest.approx(0.8) and c.margin_level == pytest.approx(1.25)
    assert c.liquidation_price == pytest.approx(18_000 / 0.995)  # REFERENCE.md §1: 18,090.45
    assert c.distance == pytest.approx((14_400 / 0.795 - 18_000 / 0.995) / (14_400 / 0.795))
    assert "margin ratio (maintenance / equity): 80 %" in c.summary()
    assert "margin level (equity / maintenance): 125 %" in c.summary()
    assert "only 0.13 % below this mark" in c.summary()


@FAST
@given(side=SIDES, leverage=st.floats(2, 50), rate=st.floats(0.001, 0.0099), ratio=st.floats(0.5, 1.0))
def test_the_account_engine_shows_the_located_level_at_the_located_mark(side, leverage, rate, ratio):
    c = margin_conventions(side, leverage=leverage, margin_ratio=ratio, maintenance_rate=rate)
    account = Account(100_000)
    account.open_isolated("BTCUSDT", side, 1, 20_000, c.collateral, rate)
    account.set_marks({"BTCUSDT": c.mark_price})
    position = account.positions["BTCUSDT"]
    assert position.margin_level == pytest.approx(1 / ratio, rel=1e-9)
    assert position.liquidation_price == pytest.approx(c.liquidation_price, rel=1e-12)
    # The mark is on the losing side of the entry and not past liquidation.
    sign = 1 if side == "long" else -1
    assert sign * (c.entry_price - c.mark_price) > 0
    assert sign * (c.mark_price - c.liquidation_price) >= -1e-9


@FAST
@given(side=SIDES, leverage=st.floats(2, 100), rate=st.floats(0.001, 0.0099))
def test_the_curves_are_inverse_and_cross_100_percent_at_the_liquidation_price(side, leverage, rate):
    c = margin_conventions(side, leverage=leverage, maintenance_rate=rate, margin_ratio=(1 + rate * leverage) / 2,
                           points=51)
    for p, level, ratio in zip(c.prices, c.levels, c.ratios):
        assert level * ratio == pytest.approx(1.0)
        equity = _hand_equity(side, 1, 20_000, p, c.collateral)
        assert level == pytest.approx(equity / (rate * p), rel=1e-9)
    assert min(c.prices) < c.liquidation_price < max(c.prices)
    assert min(c.levels) == pytest.approx(0.1) and max(c.ratios) == pytest.approx(10.0)


def test_the_figure_draws_both_conventions_on_a_log_scale_with_liquidation_and_the_located_mark():
    c = margin_conventions(leverage=10)
    shown = render(draw_margin_conventions, c)
    info = shown.info
    assert info.title == "Long 1 BTC at 10x: one position, two ways to show its margin"
    assert info.xlabel == "Mark price (USDT per BTC)" and info.ylabel == "Ratio (%, log scale)"
    level = info.line("Margin level = equity / maintenance\n(OKX style: falls to 100 %)")
    ratio = info.line("Margin ratio = maintenance / equity\n(Binance style: rises to 100 %)")
    assert level.y == pytest.approx(c.levels) and ratio.y == pytest.approx(c.ratios)
    assert level.linestyle != ratio.linestyle
    assert {level.color, ratio.color} <= set(PALETTE.values())
    assert info.line("Liquidation 18,090.45").x[0] == pytest.approx(c.liquidation_price)
    assert info.line("100 %: liquidation in both").y[0] == 1.0
    assert info.line("Mark 18,113.21: ratio 80 %, level 125 %").y == pytest.approx((0.8, 1.25))
    assert not any(line.label.startswith("Entry") for line in info.lines)  # the span stops at level 1,000 %


def test_the_entry_is_drawn_when_the_span_reaches_it():
    info = render(draw_margin_conventions, margin_conventions("short", leverage=20, maintenance_rate=0.01,
                                                               margin_ratio=0.5)).info
    assert info.title.startswith("Short 1 BTC at 20x")
    assert info.line("Entry 20,000.00").x[0] == 20_000
    assert info.line("Mark 20,588.24: ratio 50 %, level 200 %").x[0] == pytest.approx(21_000 / 1.02)


@pytest.mark.parametrize("arguments, message", [
    ({"leverage": 1}, "leverage must be in"),
    ({"margin_ratio": 1.2}, "margin_ratio must be in"),
    ({"margin_ratio": 0.04}, "the ratio at entry"),  # 10x with 0.5 %: 0.05 at entry
    ({"maintenance_rate": 0.2}, r"maintenance_rate must be in \[0, [0-9.]+\) \(below the initial margin rate"),
    ({"points": 1}, "points"),
    ({"side": 1}, "side"),
])
def test_margin_conventions_refuses_bad_input_by_name(arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        margin_conventions(**arguments)
