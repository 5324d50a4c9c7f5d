"""Recorded candles: CSV files, hand-built candles, touches and the shipped sample (margin_lab.candles)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import candles, scenarios
from margin_lab.candles import (
    SAMPLE_SEED,
    Candles,
    _first_touch,
    load_ohlc,
    sample_candles,
    touched,
    write_sample_csv,
)
from margin_lab.paths import PricePaths, gbm_paths

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


def test_the_candle_names_are_still_importable_from_scenarios():
    for name in candles.__all__:
        assert getattr(scenarios, name) is getattr(candles, name) and name in scenarios.__all__, name


def test_a_file_that_is_not_utf8_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(f"{GOOD[0]}\n{GOOD[1]}\n1700172800,101,103,90,92,20,77 \xe9t\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError) as caught:
        load_ohlc(path)
    assert str(caught.value).startswith(f"{path} line 3: not UTF-8 text"), str(caught.value)


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + "\n".join(GOOD) + "\n").encode("utf-8"))
    assert len(load_ohlc(path).close) == len(GOOD)
