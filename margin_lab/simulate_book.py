"""Monte Carlo of a learner's own book: a wallet, legs each isolated or in the cross pool, fees and funding.

:func:`simulate_book` runs one set of correlated price paths (geometric Brownian motion, optionally
with market-wide :class:`~margin_lab.simulate.Jumps`) through every margin assignment asked for
(all isolated, all cross, any mix) and returns one :class:`BookRisk` per assignment with its
standard errors. The compute study :mod:`margin_lab.studies.own_book` turns it into a verdict.

Monitoring is exact at the checks: the margin of every isolated leg and of the cross pool is
tested at each of the ``steps_per_day`` checks a day, with funding drained as it accrues, so a
daily figure from here is the exact daily-monitoring answer (up to Monte Carlo error), not the
Broadie-Glasserman-Kou approximation of :func:`margin_lab.liquidation_probability_exact`.

Drift convention: ``annual_drift`` μ is the drift of the price, E[P_T] = P_0·e^{μT}; μ = 0 means
"no trend in price" (the log price then drifts down by σ²/2 a year).
Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import require_count, require_non_negative, require_number, require_positive
from .closed_form import DAYS_PER_YEAR, _step_count
from .model import MarginMode
from .paths import _correlation_factor
from .simulate import BLOCK_PATHS, Jumps, PortfolioSpec, _block_log_increments

__all__ = ["BookRisk", "simulate_book", "mean_with_error", "expected_shortfall_with_error",
           "probability_with_error", "FUNDING_HOURS"]

#: Perpetual funding is exchanged every 8 hours on the venues of REFERENCE.md (Binance, Bybit).
FUNDING_HOURS = 8.0


def probability_with_error(hits: int, n: int) -> tuple[float, float]:
    """Share p = hits/n and its binomial standard error √(p·(1 − p)/n).

    With no hit at all the error is 0 and says nothing: report the "rule of three" bound 3/n
    (95 % upper bound) beside it, as :meth:`BookRisk.rows` does.

    >>> probability_with_error(25, 100)
    (0.25, 0.04330127018922193)
    """
    n = require_count("n", n)
    p = require_non_negative("hits", hits) / n
    return p, math.sqrt(p * (1.0 - p) / n)


def mean_with_error(values: np.ndarray) -> tuple[float, float]:
    """Sample mean and its standard error s/√n (s: the sample standard deviation, ddof=1).

    >>> mean_with_error(np.array([1.0, 2.0, 3.0, 4.0]))
    (2.5, 0.6454972243679028)
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    spread = float(values.std(ddof=1)) if n > 1 else 0.0
    return float(values.mean()), spread / math.sqrt(n)


def expected_shortfall_with_error(losses: np.ndarray, level: float, resamples: int = 200,
                                  seed: int = 0) -> tuple[float, float]:
    """Expected shortfall (mean of the worst k = ⌈(1 − level)·n⌉ losses) and its bootstrap standard error.

    Notes
    -----
    The standard error is the spread (ddof=1) of the same estimate over ``resamples`` resamples of
    the n losses drawn with replacement (seeded, so it is reproducible). For a smooth loss
    distribution it agrees with the asymptotic formula
    √((Var(L | L ≥ VaR) + level·(ES − VaR)²)/(n·(1 − level))) (Manistre & Hancock 2005); unlike that
    formula it stays right when many losses sit at one value near the quantile, as when a share of
    the paths close to 1 − level loses the whole capital. The error is 0 when every tail loss is the
    same number (all of the capital: nothing random is left in the tail).

    References
    ----------
    B. Efron & R. Tibshirani, An Introduction to the Bootstrap (1993), ch. 6; J. Manistre &
    G. Hancock, North American Actuarial Journal 9 (2005) 129-156.

    Examples
    --------
    Losses 1..1,000 at 95 %: the tail is 951..1,000, so the estimate is 975.5; the asymptotic formula
    gives √((208.25 + 0.95·24.5²)/50) = 3.95 for the error (tail variance (50² − 1)/12 = 208.25):

    >>> es, error = expected_shortfall_with_error(np.arange(1.0, 1_001.0), 0.95)
    >>> es, round(error, 1)
    (975.5, 3.5)
    """
    losses = np.sort(np.asarray(losses, dtype=float))
    n = losses.size
    k = max(1, math.ceil(round((1.0 - level) * n, 9)))
    es = float(losses[n - k:].mean())
    # A resample only needs how often each of the largest m losses was drawn (m = 3k + 100: the
    # chance that a resample draws fewer than k of them is far below 1e-9). How many of its n draws
    # land among them is binomial; where each lands is uniform over the m.
    m = min(n, 3 * k + 100)
    top = losses[::-1][:m]
    if top[0] == top[-1]:  # every loss a resample can put in its tail is the same number
        return es, 0.0
    rng = np.random.default_rng(seed)
    landed = rng.binomial(n, m / n, size=resamples)
    where = rng.integers(0, m, size=(resamples, int(landed.max())))
    keep = np.arange(where.shape[1]) < landed[:, None]
    rows = np.broadcast_to(np.arange(resamples)[:, None] * m, where.shape)
    counts = np.bincount((rows + where)[keep], minlength=resamples * m).reshape(resamples, m)
    before = np.cumsum(counts, axis=1) - counts
    taken = np.clip(k - before, 0, counts)
    return es, float(((taken * top).sum(axis=1) / k).std(ddof=1))


@dataclass(frozen=True)
class BookRisk:
    """One margin assignment of a book over the simulated paths. Amounts in quote currency.

    ``modes``: each leg's mode, in the book's order. ``at_risk``: the money this assignment can
    lose (isolated collateral plus, if any leg is cross, the whole free wallet). Each figure comes
    with its Monte Carlo standard error (``*_error``). ``any_liquidation``: share of paths where at
    least one leg was liquidated; ``total_liquidation``: share where every leg was.
    ``expected_loss``: mean of wallet − end value (negative: an expected gain, fees and funding
    included). ``expected_shortfall_95``/``_99``: mean loss over the worst 5 %/1 % of paths.
    """

    modes: tuple[MarginMode, ...]
    at_risk: float
    n_paths: int
    any_liquidation: float
    any_liquidation_error: float
    total_liquidation: float
    total_liquidation_error: float
    expected_loss: float
    expected_loss_error: float
    expected_shortfall_95: float
    expected_shortfall_95_error: float
    expected_shortfall_99: float
    expected_shortfall_99_error: float
    leg_liquidation: tuple[float, ...]

    @property
    def label(self) -> str:
        """"all isolated", "all cross" or a mix such as "isolated + cross"."""
        if len(set(self.modes)) == 1:
            return f"all {self.modes[0]}" if len(self.modes) > 1 else str(self.modes[0])
        return " + ".join(str(m) for m in self.modes)

    @property
    def zero_bound(self) -> float:
        """95 % upper bound on a probability when no path showed the event: 3/n (rule of three)."""
        return 3.0 / self.n_paths


def _assignments(modes, n_legs):
    if modes is None:
        return [tuple(MarginMode.CROSS if (code >> i) & 1 else MarginMode.ISOLATED for i in range(n_legs))
                for code in range(2**n_legs)]
    out = []
    for assignment in modes:
        parsed = tuple(MarginMode(str(m)) for m in assignment)
        if len(parsed) != n_legs:
            raise ValueError(f"modes must give one mode per leg ({n_legs}), got {assignment!r}")
        out.append(parsed)
    if not out:
        raise ValueError(f"modes must hold at least one assignment, got {modes!r}")
    return out


def simulate_book(
    portfolio: PortfolioSpec,
    wallet: float,
    *,
    modes: Sequence[Sequence[str | MarginMode]] | None = None,
    n_paths: int = 10_000,
    days: float = 30,
    steps_per_day: int = 1,
    fee_rate: float = 0.0,
    funding_rate: float = 0.0,
    seed: int = 0,
    jumps: Jumps | None = None,
    chunk_paths: int = 2_000,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[BookRisk, ...]:
    """Simulate one book under several margin assignments through the same paths.

    Parameters
    ----------
    portfolio : PortfolioSpec
        The legs (asset, side, leverage, collateral, maintenance rate, volatility, drift) and the
        correlation between assets; notional = collateral · leverage.
    wallet : float
        Wallet balance in quote currency, >= the total collateral.
    modes : sequence of per-leg modes, or None
        The assignments to simulate; None: all 2^legs of them (all isolated first, all cross last).
    n_paths, days, steps_per_day, seed, jumps, chunk_paths, progress
        As in :func:`margin_lab.simulate.simulate_modes` (``progress(done, total)`` after each
        chunk). The same seed gives the same paths whatever the assignments and the chunk size.
    fee_rate : float
        Taker fee as a fraction of notional (0.0005 = 0.05 %), paid on opening (from the margin
        backing the leg) and on closing at the horizon; in [0, 0.01].
    funding_rate : float
        Funding rate per 8 hours as a fraction of the notional at the mark (0.0001 = 0.01 %):
        longs pay it, shorts receive it (negative: the other way round); in [-0.01, 0.01].
        It is drained from the margin backing the leg at every check.

    Returns
    -------
    tuple of BookRisk, one per assignment, in the order asked.

    Notes
    -----
    Entry prices are 1 (only the ratio R = P/EP matters). An isolated leg with margin
    M_t = collateral − opening fee − funding paid so far is liquidated at the first check where
    M_t + s·N·(R − 1) <= r·N·R (REFERENCE.md §1) and then loses M_t. The cross pool starts with
    wallet − isolated collateral − the cross legs' opening fees, and is liquidated at the first check
    where pool − funding + Σ s·N·(R − 1) <= Σ r·N·R over the cross legs (REFERENCE.md §0); then it
    is lost whole and every cross leg with it. A gap past bankruptcy costs only the margin that
    backs the leg (isolated) or the pool (cross): the venue's insurance fund takes the rest. A
    single cross leg is therefore exactly an isolated leg backed by the whole free wallet.
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    One 10x BTC long with 1,000 of a 1,000 wallet: isolated and cross are the same thing.

    >>> from margin_lab.simulate import LegSpec
    >>> one = PortfolioSpec((LegSpec("BTC", "long", 10, 1_000),))
    >>> iso, cross = simulate_book(one, 1_000, n_paths=2_000, seed=4)
    >>> iso.any_liquidation == cross.any_liquidation, iso.expected_loss == cross.expected_loss
    (True, True)
    """
    if not isinstance(portfolio, PortfolioSpec):
        raise TypeError(f"portfolio must be a PortfolioSpec, got {portfolio!r} of type {type(portfolio).__name__}")
    wallet = require_positive("wallet", wallet)
    if wallet < portfolio.capital - 1e-9:
        raise ValueError(f"wallet must be >= the legs' total collateral {portfolio.capital:,.2f}, got {wallet!r}")
    n_paths = require_count("n_paths", n_paths)
    days = require_positive("days", days)
    n_steps = _step_count(days, steps_per_day)
    seed = require_count("seed", seed, minimum=0)
    chunk = max(1, require_count("chunk_paths", chunk_paths) // BLOCK_PATHS) * BLOCK_PATHS
    fee_rate = require_number("fee_rate", fee_rate, hint="a fraction of notional: 0.0005 = 0.05 %")
    if not 0.0 <= fee_rate <= 0.01:
        raise ValueError(f"fee_rate must be in [0, 0.01] as a fraction (0.0005 = 0.05 %), got {fee_rate!r}")
    funding_rate = require_number("funding_rate", funding_rate, hint="per 8 hours: 0.0001 = 0.01 %")
    if not -0.01 <= funding_rate <= 0.01:
        raise ValueError(f"funding_rate must be in [-0.01, 0.01] per 8 hours as a fraction (0.0001 = 0.01 %), "
                         f"got {funding_rate!r}")
    if jumps is not None and not isinstance(jumps, Jumps):
        raise TypeError(f"jumps must be a Jumps or None, got {jumps!r} of type {type(jumps).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable progress(done_paths, total_paths) or None, got {progress!r}")
    legs, assets = portfolio.legs, portfolio.assets
    assignments = _assignments(modes, len(legs))

    first = {leg.asset: leg for leg in reversed(legs)}
    vol = np.array([first[a].annual_volatility for a in assets])
    drift = np.array([first[a].annual_drift for a in assets])
    factor = _correlation_factor(portfolio.correlation, len(assets))
    index = [assets.index(leg.asset) for leg in legs]
    sign = np.array([leg.side.sign for leg in legs], dtype=float)
    notional = np.array([leg.notional for leg in legs])
    collateral = np.array([leg.collateral for leg in legs])
    rate = np.array([leg.maintenance_rate for leg in legs])
    funding_per_step = funding_rate * (24.0 / FUNDING_HOURS) / steps_per_day
    dt = days / DAYS_PER_YEAR / n_steps
    children = np.random.SeedSequence(seed).spawn(math.ceil(n_paths / BLOCK_PATHS))

    n_modes = len(assignments)
    losses = np.empty((n_modes, n_paths))
    any_hits, all_hits = np.zeros(n_modes, dtype=np.int64), np.zeros(n_modes, dtype=np.int64)
    leg_hits = np.zeros((n_modes, len(legs)), dtype=np.int64)
    for start in range(0, n_paths, chunk):
        stop = min(n_paths, start + chunk)
        log_path = np.concatenate(
            [_block_log_increments(children[b // BLOCK_PATHS], min(stop, b + BLOCK_PATHS) - b, n_steps, dt,
                                   drift, vol, factor, jumps) for b in range(start, stop, BLOCK_PATHS)], axis=1)
        np.cumsum(log_path, axis=2, out=log_path)
        relative = np.exp(log_path, out=log_path)  # (assets, paths, steps)
        # Per leg: P&L and maintenance at every check, the funding paid so far, the closing value.
        pnl = np.stack([sign[i] * notional[i] * (relative[a] - 1.0) for i, a in enumerate(index)])
        need = np.stack([rate[i] * notional[i] * relative[a] for i, a in enumerate(index)])
        paid = np.cumsum(np.stack([sign[i] * funding_per_step * notional[i] * relative[a]
                                   for i, a in enumerate(index)]), axis=2)
        close_fee = fee_rate * notional[:, None] * np.stack([relative[a][:, -1] for a in index])
        # An isolated leg on its own: surplus of equity over maintenance at every check.
        own_margin = collateral - fee_rate * notional
        iso_hit = (own_margin[:, None, None] + pnl - paid - need).min(axis=2) <= 0.0
        iso_value = np.where(iso_hit, 0.0, own_margin[:, None] + pnl[:, :, -1] - paid[:, :, -1] - close_fee)
        for m, assignment in enumerate(assignments):
            cross = np.array([mode is MarginMode.CROSS for mode in assignment])
            value = np.where(cross[:, None], 0.0, iso_value).sum(axis=0)
            hit = np.where(cross[:, None], False, iso_hit)
            if cross.any():
                pool = wallet - collateral[~cross].sum() - fee_rate * notional[cross].sum()
                gone = (pool + (pnl[cross] - paid[cross] - need[cross]).sum(axis=0)).min(axis=1) <= 0.0
                pool_end = pool + (pnl[cross][:, :, -1] - paid[cross][:, :, -1] - close_fee[cross]).sum(axis=0)
                value += np.where(gone, 0.0, pool_end)
                hit = hit | (cross[:, None] & gone[None, :])
            else:
                value += wallet - collateral.sum()
            losses[m, start:stop] = wallet - value
            leg_hits[m] += hit.sum(axis=1)
            any_hits[m] += int(np.count_nonzero(hit.any(axis=0)))
            all_hits[m] += int(np.count_nonzero(hit.all(axis=0)))
        if progress is not None:
            progress(stop, n_paths)

    out = []
    for m, assignment in enumerate(assignments):
        cross = [mode is MarginMode.CROSS for mode in assignment]
        at_risk = float(wallet if any(cross) else collateral.sum())
        loss = losses[m]
        out.append(BookRisk(
            assignment, at_risk, n_paths,
            *probability_with_error(int(any_hits[m]), n_paths),
            *probability_with_error(int(all_hits[m]), n_paths),
            *mean_with_error(loss),
            *expected_shortfall_with_error(loss, 0.95, seed=seed),
            *expected_shortfall_with_error(loss, 0.99, seed=seed),
            tuple(float(h) / n_paths for h in leg_hits[m]),
        ))
    return tuple(out)
