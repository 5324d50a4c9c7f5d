"""Mark prices: how a venue turns an index and its own last trades into the price that liquidates.

Taught in lessons/03_liquidation_mechanics.ipynb ("Liquidation uses the last traded price"), where
:func:`margin_lab.mark_vs_last` builds a stylised hour on it.
"""

from __future__ import annotations

import numpy as np

from ._checks import require_count

__all__ = ["trailing_mean", "binance_mark_price"]


def trailing_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last ``window`` values at each point (of all values so far at the start).

    >>> trailing_mean(np.array([3.0, 0.0, 0.0, 6.0]), 2).tolist()
    [3.0, 1.5, 0.0, 3.0]
    """
    window = require_count("window", window)
    values = np.asarray(values, dtype=float)
    sums = np.concatenate([[0.0], np.cumsum(values)])
    ends = np.arange(1, values.size + 1)
    counts = np.minimum(ends, window)
    return (sums[ends] - sums[ends - counts]) / counts


def binance_mark_price(index: np.ndarray, last: np.ndarray, basis_samples: int = 30) -> np.ndarray:
    """Binance's mark price at each sample: the median of Price 1, Price 2 and the last price.

    Parameters
    ----------
    index : array of float
        The price index (a weighted average of spot venues), one value per sample, quote per base.
    last : array of float
        The contract's last traded price at the same samples.
    basis_samples : int
        How many samples the basis is averaged over, >= 1 (Binance: 30 five-second samples).

    Returns
    -------
    ndarray
        median(Price 1, Price 2, last) per sample.

    Notes
    -----
    Price 1 = index × (1 + funding rate × time to the next funding / interval), here with a zero
    funding rate, so the index itself; Price 2 = index + the moving average of the basis
    (last − index) over ``basis_samples`` samples. Binance measures the basis on the bid/ask mid;
    the last price stands in for it here, which a sweep of the book moves the same way. With the
    median, one wild print of the last price cannot move the mark on its own.

    References
    ----------
    Binance FAQ fff6ec1b3f5845d19f1fb924644a0877 "Mark Price and Price Index of COIN-Margined
    Contracts" (median of Price 1, Price 2 and the contract price; basis averaged over 30
    five-second samples); Binance FAQ 360033525071 (USDⓈ-M); REFERENCE.md §2.

    Examples
    --------
    A one-sample wick of the last price to 18,600 while the index sits at 20,000: the mark
    moves only by the wick's share of the 30-sample basis average, 1,400 / 30.

    >>> index = np.full(40, 20_000.0)
    >>> last = index.copy()
    >>> last[35] = 18_600
    >>> round(float(binance_mark_price(index, last)[35]), 2), round(float(binance_mark_price(index, last).min()), 2)
    (19953.33, 19953.33)
    """
    index = np.asarray(index, dtype=float)
    last = np.asarray(last, dtype=float)
    if index.shape != last.shape:
        raise ValueError(f"index and last must have the same shape, got {index.shape} and {last.shape}")
    price_2 = index + trailing_mean(last - index, basis_samples)
    return np.median(np.vstack([index, price_2, last]), axis=0)
