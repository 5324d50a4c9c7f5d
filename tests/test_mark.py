"""Tests for margin_lab.mark: the trailing basis average against a loop over windows, and
Binance's mark as the middle of its three prices, checked sample by sample."""

from __future__ import annotations

import numpy as np
import pytest

from margin_lab.mark import binance_mark_price, trailing_mean


def test_the_trailing_mean_matches_a_loop_over_windows():
    values = np.random.default_rng(11).normal(size=40)
    for window in (1, 3, 30, 50):
        expected = [values[max(0, i + 1 - window): i + 1].mean() for i in range(values.size)]
        assert trailing_mean(values, window) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_the_mark_is_the_middle_one_of_index_price_2_and_last():
    rng = np.random.default_rng(5)
    index = 20_000 + rng.normal(0, 50, size=60)
    last = index + rng.normal(0, 30, size=60)
    mark = binance_mark_price(index, last, 30)
    price_2 = index + trailing_mean(last - index, 30)
    for i in range(60):
        assert mark[i] == sorted([index[i], price_2[i], last[i]])[1]


def test_the_mark_refuses_series_of_different_lengths():
    with pytest.raises(ValueError, match="same shape"):
        binance_mark_price(np.ones(3), np.ones(4))
