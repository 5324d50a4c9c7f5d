"""The bundled 2024 daily closes and the volatility and correlations the own-book study takes from them.

Each estimate is recomputed here from the CSV with numpy alone (its own parser, its own formulas),
then compared with margin_lab's; the sample's provenance is checked against its sidecar JSON and
docs/reference.md. The last tests feed the estimators made-up series with known answers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from margin_lab.studies.coin_sample import annual_volatility, price_sample, return_correlation
from margin_lab.studies.own_book import coin_defaults

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "margin_lab" / "data"


def _table():
    raw = np.genfromtxt(DATA / "daily_closes_2024.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    return raw


def _log_returns(column):
    closes = np.asarray(_table()[column], dtype=float)
    return np.log(closes[1:] / closes[:-1])


def test_the_sample_is_every_day_of_2024_with_positive_closes():
    table = _table()
    dates = np.array(table["date"], dtype="datetime64[D]")
    assert dates[0] == np.datetime64("2024-01-01") and dates[-1] == np.datetime64("2024-12-31")
    assert len(dates) == 366 and np.all(np.diff(dates) == np.timedelta64(1, "D"))
    for column in ("BTCUSDT", "ETHUSDT", "SOLUSDT"):
        assert np.all(np.asarray(table[column], dtype=float) > 0)
    # no day moves a coin by more than half: a mistyped digit would
    for column in ("BTCUSDT", "ETHUSDT", "SOLUSDT"):
        assert np.max(np.abs(_log_returns(column))) < math.log(1.5), column


@pytest.mark.parametrize("coin, column", [("BTC", "BTCUSDT"), ("ETH", "ETHUSDT"), ("SOL", "SOLUSDT")])
def test_volatility_defaults_are_the_sample_standard_deviation_times_root_365(coin, column):
    r = _log_returns(column)
    by_hand = math.sqrt(((r - r.mean()) ** 2).sum() / (len(r) - 1)) * math.sqrt(365)
    assert coin_defaults().volatility[coin] == pytest.approx(by_hand, rel=1e-12)
    assert price_sample().volatility(coin) == pytest.approx(by_hand, rel=1e-12)


@pytest.mark.parametrize("first, second", [("BTC", "ETH"), ("BTC", "SOL"), ("ETH", "SOL")])
def test_correlation_defaults_are_the_pearson_correlation_of_daily_log_returns(first, second):
    a, b = _log_returns(first + "USDT"), _log_returns(second + "USDT")
    by_hand = ((a - a.mean()) * (b - b.mean())).sum() / math.sqrt(((a - a.mean()) ** 2).sum() * ((b - b.mean()) ** 2).sum())
    assert coin_defaults().correlation(first, second) == pytest.approx(by_hand, rel=1e-12)
    assert 0.5 < by_hand < 0.95  # majors move together, but not as one


def test_the_default_correlation_matrix_is_a_correlation_matrix():
    d = coin_defaults()
    coins = ("BTC", "ETH", "SOL")
    matrix = np.array([[d.correlation(a, b) for b in coins] for a in coins])
    assert np.allclose(matrix, matrix.T) and np.all(np.linalg.eigvalsh(matrix) > 0)


def test_the_source_is_recorded_beside_the_data_and_in_the_reference():
    meta = json.loads((DATA / "daily_closes_2024.json").read_text(encoding="utf-8"))
    assert meta["period"] == {"first": "2024-01-01", "last": "2024-12-31"}
    files = meta["source"]["files"]
    assert set(files) == {"BTCUSDT", "ETHUSDT", "SOLUSDT"}
    assert all(len(f["commit"]) == 40 for f in files.values())
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert "daily_closes_2024.csv" in reference and meta["source"]["repository"].removeprefix("https://") in reference
    for f in files.values():
        assert f["commit"][:7] in reference


def test_the_sample_is_read_once_and_cannot_be_changed():
    sample = price_sample()
    assert price_sample() is sample
    with pytest.raises(ValueError):
        sample.closes["BTC"][0] = 1.0


def test_the_estimators_give_known_answers_on_made_up_series():
    # constant growth: every return equal, no volatility at all
    assert annual_volatility([100 * 1.01**k for k in range(10)]) == pytest.approx(0.0, abs=1e-12)
    # alternating +x, -x: sd = x·sqrt(n/(n-1)) for n returns, here n = 4
    x = 0.02
    closes = np.exp(np.cumsum([0, x, -x, x, -x]))
    assert annual_volatility(closes) == pytest.approx(x * math.sqrt(4 / 3) * math.sqrt(365))
    # a coin and its reciprocal move exactly against each other
    assert return_correlation(closes, 1 / closes) == pytest.approx(-1.0)


@pytest.mark.parametrize("bad", [[100, 110], [100, -1, 120], [[100, 110, 120]]])
def test_bad_series_are_refused(bad):
    with pytest.raises(ValueError, match="closes"):
        annual_volatility(bad)
