"""Monte Carlo: the odds that one position is liquidated, and a portfolio's risk in both modes.

:func:`liquidation_probability` simulates the one-position question that
:func:`margin_lab.closed_form.liquidation_probability_exact` answers in closed form.
:func:`simulate_modes` runs a :class:`PortfolioSpec` through the same random paths twice, all
legs isolated and all legs in one cross pool, and returns a :class:`ModeComparison`: liquidation
probability, probability of losing everything, expected loss and expected shortfall.

Prices follow geometric Brownian motion (optionally with market-wide :class:`Jumps`) on a
365-day year, drawn with the kernels of :mod:`margin_lab.paths`. The work is done on log
prices, a chunk of paths at a time; the liquidation price and the P&L come from the one formula
each in :mod:`margin_lab.margin` (``_liquidation_price_kernel``, ``_pnl_kernel``).
Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import require_choice, require_count, require_fraction, require_non_negative, require_number
from ._checks import require_positive, require_range, require_text
from .closed_form import DAYS_PER_YEAR, MAX_LEVERAGE, _first_passage, _log_barrier, _single_position, _step_count
from ._checks import require_rate_below_initial
from .margin import _pnl_kernel
from .model import MarginMode, Side
from .paths import _correlated_log_increments, _correlation_factor, _gbm_log_increments

__all__ = ["liquidation_probability", "simulate_modes", "Jumps", "LegSpec", "PortfolioSpec", "ModeRisk",
           "ModeComparison"]

# float64 values per chunk in liquidation_probability: 1 MiB, small enough to stay in cache.
_CHUNK_VALUES = 1 << 17
# simulate_modes draws its paths in fixed blocks, each from its own child seed, so the result
# does not depend on the chunk size.
BLOCK_PATHS = 100


def liquidation_probability(
    side: str | Side,
    leverage: float,
    maintenance_rate: float,
    annual_volatility: float,
    days: float,
    *,
    paths: int = 10_000,
    steps_per_day: int = 1,
    drift: float = 0.0,
    seed: int = 0,
) -> float:
    """Monte Carlo estimate of the chance that one isolated position is liquidated within ``days``.

    Parameters
    ----------
    side, leverage, maintenance_rate, annual_volatility, days, drift
        As in :func:`margin_lab.liquidation_probability_exact`: leverage in (0, 1000], rate a
        fraction below 1/leverage, volatility and drift annual fractions, days > 0.
    paths : int
        Number of simulated price paths, >= 1. The standard error is at most √(p·(1 − p)/paths).
    steps_per_day : int
        Price checks per day, >= 1; days·steps_per_day must be whole.
    seed : int
        Seed (>= 0) of ``numpy.random.default_rng``: the same arguments give the same number.

    Returns
    -------
    float
        The share of paths whose price reached the liquidation price at one of the checks.

    Notes
    -----
    Collateral = notional / leverage, no fees, liquidation price at the mark (REFERENCE.md §1).
    The test is on log prices, so no exp is taken: a long is liquidated when
    min_k ln(P_k/EP) <= ln(P_liq/EP), a short when max_k ln(P_k/EP) >= ln(P_liq/EP), the log path
    X being the running sum of GBM log increments. Paths come in antithetic pairs: X and its
    mirror image 2·(mu − sigma²/2)·t − X use the same normals with opposite signs, so each normal
    drawn serves two paths. One event of a pair is increasing and the other decreasing in the
    normals, so by Harris' inequality they are never positively correlated and the plain binomial
    standard error is an upper bound. Memory: about 2 MiB whatever the number of paths. With
    ``annual_volatility=0`` the answer is exact (0.0 or 1.0).
    Taught in lessons/06_choosing_a_mode.ipynb.

    References
    ----------
    P. Glasserman, Monte Carlo Methods in Financial Engineering (2003), §3.2 (GBM) and §4.2
    (antithetic variates); REFERENCE.md §1.

    Examples
    --------
    The 10x long of REFERENCE.md (liquidation 9.5 % below the entry) at 80 % volatility over
    30 days, checked daily; the closed form with the discrete-monitoring correction says 0.5865,
    and the standard error with 20,000 paths is at most √(0.59·0.41/20,000) = 0.0035:

    >>> liquidation_probability("long", 10, 0.005, 0.8, 30, drift=0.32, paths=20_000, seed=1)
    0.5845
    """
    sign, barrier, volatility, years, drift = _single_position(
        side, leverage, maintenance_rate, annual_volatility, days, drift
    )
    n_paths = require_count("paths", paths)
    n_steps = _step_count(years * DAYS_PER_YEAR, steps_per_day)
    rng = np.random.default_rng(require_count("seed", seed, minimum=0))
    if barrier is None:
        return 0.0
    if volatility == 0.0:
        return _first_passage(abs(barrier), -sign * drift, 0.0, years)
    dt = years / n_steps
    n_pairs = (n_paths + 1) // 2
    chunk = max(1, min(n_pairs, _CHUNK_VALUES // n_steps))
    # Each path X has an antithetic twin 2·ramp − X, ramp_k = (mu − sigma²/2)·k·dt: the same
    # normals with the opposite sign. An odd path count drops the last twin.
    twice_ramp = 2.0 * (drift - 0.5 * volatility * volatility) * dt * np.arange(1, n_steps + 1)
    twins = np.empty((chunk, n_steps))
    hits = 0
    for start in range(0, n_pairs, chunk):
        rows = min(chunk, n_pairs - start)
        log_path = _gbm_log_increments(rng, rows, n_steps, dt, drift, volatility)
        np.cumsum(log_path, axis=1, out=log_path)
        twin = np.subtract(twice_ramp, log_path, out=twins[:rows])
        used = rows - (1 if start + rows > n_paths // 2 and n_paths % 2 else 0)
        if sign > 0:
            hits += int(np.count_nonzero(log_path.min(axis=1) <= barrier))
            hits += int(np.count_nonzero(twin[:used].min(axis=1) <= barrier))
        else:
            hits += int(np.count_nonzero(log_path.max(axis=1) >= barrier))
            hits += int(np.count_nonzero(twin[:used].max(axis=1) >= barrier))
    return hits / n_paths


# --- What to simulate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Jumps:
    """Sudden market-wide moves on top of the diffusion (Merton jump-diffusion).

    ``rate``: expected jumps a year (λ >= 0). ``mean`` and ``std``: mean and standard deviation of
    the log size of one jump (``mean=-0.4`` is a fall of about 33 %). Every asset jumps at the same
    moments by the same log size, like a market-wide crash. As in
    :func:`margin_lab.paths.jump_diffusion_paths` the drift is compensated by −λ·k,
    k = e^(mean + std²/2) − 1, so the expected price is the same with or without jumps: jumps
    fatten the tails, they do not move the average.

    References: R. Merton, J. Financial Economics 3 (1976) 125–144; Glasserman (2003) §3.5.
    """

    rate: float
    mean: float
    std: float = 0.0

    def __post_init__(self):
        require_non_negative("rate", self.rate, hint="expected jumps a year")
        require_range("mean", self.mean, -1.0, 1.0, hint="mean log size of a jump: -0.4 is a fall of about 33 %")
        require_range("std", self.std, 0.0, 1.0, hint="standard deviation of the log jump size")

    @property
    def compensator(self) -> float:
        """λ·k = λ·(e^(mean + std²/2) − 1), taken off the annual drift."""
        return self.rate * (math.exp(self.mean + 0.5 * self.std**2) - 1.0)


@dataclass(frozen=True)
class LegSpec:
    """One position of a simulated portfolio. Amounts in quote currency, rates as fractions.

    ``collateral`` is the margin the leg brings (its isolated margin; in cross it joins the pool);
    the notional is collateral·leverage. ``annual_volatility`` and ``annual_drift`` describe the
    asset: legs on the same asset must agree on them.
    """

    asset: str
    side: Side | str
    leverage: float
    collateral: float
    maintenance_rate: float = 0.005
    annual_volatility: float = 0.6
    annual_drift: float = 0.0

    def __post_init__(self):
        require_text("asset", self.asset)
        object.__setattr__(self, "side", require_choice("side", self.side, Side))
        leverage = require_range("leverage", self.leverage, 0.0, MAX_LEVERAGE, low_open=True)
        require_positive("collateral", self.collateral)
        require_rate_below_initial(require_fraction("maintenance_rate", self.maintenance_rate), leverage)
        require_range("annual_volatility", self.annual_volatility, 0.0, 5.0, hint="a fraction: 0.6 = 60 % a year")
        require_number("annual_drift", self.annual_drift, hint="0.1 = 10 % a year")

    @property
    def notional(self) -> float:
        """collateral · leverage, in quote currency."""
        return self.collateral * self.leverage


@dataclass(frozen=True)
class PortfolioSpec:
    """Legs and the correlation between their assets, for :func:`simulate_modes`.

    ``correlation``: None (independent assets), one number for every pair, or a square matrix
    over :attr:`assets` (in order of first appearance): symmetric, ones on the diagonal, entries
    in [-1, 1], positive semi-definite. Legs may share an asset: they then follow the same
    price (the course's hedged pair is on two coins, :meth:`example`).
    """

    legs: tuple[LegSpec, ...]
    correlation: float | tuple[tuple[float, ...], ...] | None = None

    def __post_init__(self):
        legs = tuple(self.legs) if isinstance(self.legs, (list, tuple)) else ()
        if not legs or not all(isinstance(leg, LegSpec) for leg in legs):
            raise TypeError(f"legs must be a non-empty sequence of LegSpec, got {self.legs!r}")
        object.__setattr__(self, "legs", legs)
        for leg in legs:
            first = next(other for other in legs if other.asset == leg.asset)
            if (leg.annual_volatility, leg.annual_drift) != (first.annual_volatility, first.annual_drift):
                raise ValueError(
                    f"legs on asset {leg.asset!r} must share annual_volatility and annual_drift, got "
                    f"{first.annual_volatility!r}/{first.annual_drift!r} and {leg.annual_volatility!r}/{leg.annual_drift!r}"
                )
        n = len(self.assets)
        correlation = 0.0 if self.correlation is None else self.correlation
        _correlation_factor(correlation, n)  # refuses anything that is not a correlation matrix
        if np.ndim(correlation) == 0:
            correlation = [[1.0 if i == j else float(correlation) for j in range(n)] for i in range(n)]
        object.__setattr__(self, "correlation", tuple(tuple(float(x) for x in row) for row in correlation))

    @property
    def assets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(leg.asset for leg in self.legs))

    @property
    def capital(self) -> float:
        """Total collateral, in quote currency: what both modes put at risk."""
        return float(sum(leg.collateral for leg in self.legs))

    @classmethod
    def example(cls, kind: str, *, leverage: float = 10, annual_volatility: float = 0.6,
                capital: float = 3_000, maintenance_rate: float = 0.005) -> "PortfolioSpec":
        """Ready-made books for the lessons: ``"one_big"`` (one long with all the capital),
        ``"independent"`` (three longs on unrelated assets), ``"correlated"`` (three longs, 80 %
        correlated) or ``"hedged"`` (a BTC long and an ETH short, 80 % correlated: the course's one
        definition of a hedged pair, as in lessons 05 and 06; a long and a short of the same coin
        would net to nothing on a venue in one-way mode).

        >>> hedged = PortfolioSpec.example("hedged", capital=2_000)
        >>> [(leg.asset, leg.side.value) for leg in hedged.legs], hedged.correlation[0][1]
        ([('BTC', 'long'), ('ETH', 'short')], 0.8)
        """
        kinds = ("one_big", "independent", "correlated", "hedged")
        if kind not in kinds:
            raise ValueError(f"kind must be one of {kinds}, got {kind!r}")
        capital = require_positive("capital", capital)
        common = dict(leverage=leverage, maintenance_rate=maintenance_rate, annual_volatility=annual_volatility)
        if kind == "one_big":
            return cls((LegSpec("BTC", "long", collateral=capital, **common),))
        if kind == "hedged":
            return cls((LegSpec("BTC", "long", collateral=capital / 2, **common),
                        LegSpec("ETH", "short", collateral=capital / 2, **common)), correlation=0.8)
        legs = tuple(LegSpec(a, "long", collateral=capital / 3, **common) for a in ("BTC", "ETH", "SOL"))
        return cls(legs, correlation=0.8 if kind == "correlated" else None)


# --- Results ------------------------------------------------------------------------------------

_MEASURES = ("expected_loss", "expected_shortfall_95", "expected_shortfall_99")


@dataclass(frozen=True)
class ModeRisk:
    """Risk of one margin mode over the simulated paths. Amounts in quote currency.

    ``liquidation_probability``: share of paths where at least one position was liquidated
    (cross: the pool). ``total_loss_probability``: share where all the capital was lost.
    ``expected_loss``: mean of capital − end value (negative: an expected gain).
    ``expected_shortfall_95`` / ``_99``: mean loss over the worst 5 % / 1 % of paths.
    ``leg_liquidation_probabilities``: per leg, in the portfolio's order. The ``*_fraction``
    properties divide by the capital.
    """

    mode: MarginMode
    capital: float
    n_paths: int
    liquidation_probability: float
    total_loss_probability: float
    expected_loss: float
    expected_shortfall_95: float
    expected_shortfall_99: float
    leg_liquidation_probabilities: tuple[float, ...]

    @property
    def standard_error(self) -> float:
        """Monte Carlo standard error of ``liquidation_probability``: √(p·(1 − p)/n)."""
        p = self.liquidation_probability
        return math.sqrt(p * (1.0 - p) / self.n_paths)

    @property
    def expected_loss_fraction(self) -> float:
        return self.expected_loss / self.capital

    @property
    def expected_shortfall_95_fraction(self) -> float:
        return self.expected_shortfall_95 / self.capital

    @property
    def expected_shortfall_99_fraction(self) -> float:
        return self.expected_shortfall_99 / self.capital


@dataclass(frozen=True)
class ModeComparison:
    """The same portfolio through the same paths, all isolated and all cross."""

    portfolio: PortfolioSpec
    isolated: ModeRisk
    cross: ModeRisk
    days: float
    steps_per_day: int
    seed: int
    jumps: Jumps | None = None

    @property
    def n_paths(self) -> int:
        return self.isolated.n_paths

    def rows(self) -> list[dict]:
        """One dict per mode, with probabilities, amounts and fractions, for tables and plots."""
        keys = ("liquidation_probability", "standard_error", "total_loss_probability")
        return [{"mode": str(r.mode), **{k: getattr(r, k) for k in keys},
                 **{k: getattr(r, k) for name in _MEASURES for k in (name, f"{name}_fraction")}}
                for r in (self.isolated, self.cross)]

    def summary(self) -> str:
        """Plain text: one line per measure, isolated next to cross."""
        iso, cross = self.isolated, self.cross
        checks = f"{self.steps_per_day} check{'s' if self.steps_per_day > 1 else ''} a day"
        jumps = "" if self.jumps is None else f", jumps {self.jumps.rate:g} a year"
        lines = [f"{self.n_paths:,} paths over {self.days:g} days ({checks}{jumps}); capital {iso.capital:,.2f}.",
                 f"{'':26}{'isolated':>22}{'cross':>22}"]
        for label, name in (("any liquidation", "liquidation_probability"), ("everything lost", "total_loss_probability")):
            lines.append(f"{label:26}{getattr(iso, name):>22.1%}{getattr(cross, name):>22.1%}")
        for label, name in zip(("expected loss", "expected shortfall 95 %", "expected shortfall 99 %"), _MEASURES):
            # round() then + 0.0 so that a loss of -1e-13 prints as 0.00, not -0.00
            cells = [f"{round(getattr(r, name), 2) + 0.0:,.2f} ({round(getattr(r, name) / r.capital, 3) + 0.0:.1%})"
                     for r in (iso, cross)]
            lines.append(f"{label:26}{cells[0]:>22}{cells[1]:>22}")
        worst = max(iso.standard_error, cross.standard_error)
        lines.append(f"Monte Carlo standard error of the liquidation probabilities: at most {worst:.1%}.")
        return "\n".join(lines)


def _expected_shortfall(losses: np.ndarray, level: float) -> float:
    """Mean of the worst ceil((1 − level)·n) losses (at least one)."""
    n = losses.size
    k = max(1, math.ceil(round((1.0 - level) * n, 9)))
    return float(np.partition(losses, n - k)[n - k:].mean())


# --- The simulation -----------------------------------------------------------------------------


def _block_log_increments(seed_sequence, rows, n_steps, dt, drift, vol, factor, jumps):
    """One block's log increments, shape (n_assets, rows, n_steps), from its own generator:
    the correlated normals, then (with jumps) the Poisson counts and the jump sizes."""
    rng = np.random.default_rng(seed_sequence)
    if jumps is None or jumps.rate == 0:
        return _correlated_log_increments(rng, rows, n_steps, dt, drift, vol, factor)
    increments = _correlated_log_increments(rng, rows, n_steps, dt, drift - jumps.compensator, vol, factor)
    counts = rng.poisson(jumps.rate * dt, size=(rows, n_steps))
    where = np.nonzero(counts)
    n = counts[where]
    increments[:, where[0], where[1]] += n * jumps.mean + np.sqrt(n) * jumps.std * rng.standard_normal(n.size)
    return increments


def simulate_modes(
    portfolio: PortfolioSpec,
    n_paths: int = 10_000,
    days: float = 30,
    steps_per_day: int = 1,
    seed: int = 0,
    jumps: Jumps | None = None,
    chunk_paths: int = 1_000,
    progress: Callable[[int, int], object] | None = None,
) -> ModeComparison:
    """Simulate a portfolio all isolated and all cross through the same random paths.

    Parameters
    ----------
    portfolio : PortfolioSpec
        Legs (asset, side, leverage, collateral, maintenance rate, volatility, drift) and the
        correlation between assets.
    n_paths : int
        Number of paths, >= 1.
    days : float
        Horizon in days, > 0; days·steps_per_day must be whole.
    steps_per_day : int
        Price checks per day, >= 1.
    seed : int
        >= 0. Paths are drawn in fixed blocks of 100, block b from child b of
        ``numpy.random.SeedSequence(seed)``, so the result is the same for every ``chunk_paths``.
    jumps : Jumps or None
        Market-wide jumps on top of the diffusion.
    chunk_paths : int
        Paths handled at once, >= 1, rounded down to whole blocks of 100 (at least one). Working
        memory is about chunk_paths·n_steps·(2·n_assets + 4)·8 bytes, plus 16 bytes per path for
        the losses and a few per-block arrays (measured with tracemalloc: 30.4 MB at its peak for
        1,000 paths × 365 steps × 3 assets, where the formula gives 29.3 MB). It does not grow
        with the number of paths.
    progress : callable or None
        Called as ``progress(done_paths, total_paths)`` after each chunk (widgets draw a bar).

    Returns
    -------
    ModeComparison

    Notes
    -----
    Each leg has notional N = collateral·leverage at an entry price of 1, so the price relative
    R_t = P_t/EP = exp(X_t) is all that matters.

    * isolated: leg i is liquidated at the first check where X crosses ln(P_liq/EP) (REFERENCE.md
      §1 with M = its collateral); it loses its collateral, the maintenance cushion included. The
      others run on; a survivor ends with collateral + s·N·(R_T − 1).
    * cross: the capital C = Σ collateral is one pool. It is liquidated at the first check where
      C + Σ s_i·N_i·(R_i − 1) <= Σ r_i·N_i·R_i (equity at or below the maintenance margin at the
      marks, REFERENCE.md §0), and then all is lost; else it ends with C + Σ s_i·N_i·(R_i,T − 1).

    Loss = C − end value. A gap past the bankruptcy price costs the trader only the collateral
    (the venue's insurance fund takes the rest), so a loss never exceeds C in either mode. With
    no drift, that cap weighed against the forfeited cushion decides the sign of the expected
    loss: it can be negative, an expected gain.
    Taught in lessons/06_choosing_a_mode.ipynb.

    References
    ----------
    Binance FAQ (cross: TMM and UPNL of the other positions); bitmex.com/app/isolatedMarginExamples;
    P. Glasserman, Monte Carlo Methods in Financial Engineering (2003), §2.3 (correlated normals),
    §3.5 (jumps) and ch. 9 (risk measures); REFERENCE.md §1, §4 ("isolated means safer").

    Examples
    --------
    The hedged pair (a BTC long and an ETH short, 80 % correlated), 5x each with 1,500 of
    collateral, over 30 days: isolated, a leg is liquidated in about 40 % of months (each leg
    alone in about 20 %, as one 5x position); in one cross pool the long's loss is mostly the
    short's gain, and only the spread between the coins can liquidate it, rarely.

    >>> result = simulate_modes(PortfolioSpec.example("hedged", leverage=5), n_paths=2_000, days=30, seed=3)
    >>> result.isolated.liquidation_probability > 0.3, result.cross.liquidation_probability < 0.01
    (True, True)
    """
    if not isinstance(portfolio, PortfolioSpec):
        raise TypeError(f"portfolio must be a PortfolioSpec, got {portfolio!r} of type {type(portfolio).__name__}")
    n_paths = require_count("n_paths", n_paths)
    days = require_positive("days", days)
    n_steps = _step_count(days, steps_per_day)
    seed = require_count("seed", seed, minimum=0)
    chunk = max(1, require_count("chunk_paths", chunk_paths) // BLOCK_PATHS) * BLOCK_PATHS
    if jumps is not None and not isinstance(jumps, Jumps):
        raise TypeError(f"jumps must be a Jumps or None, got {jumps!r} of type {type(jumps).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable progress(done_paths, total_paths) or None, got {progress!r}")

    legs, assets, capital = portfolio.legs, portfolio.assets, portfolio.capital
    first = {leg.asset: leg for leg in reversed(legs)}
    vol = np.array([first[a].annual_volatility for a in assets])
    drift = np.array([first[a].annual_drift for a in assets])
    factor = _correlation_factor(portfolio.correlation, len(assets))
    plan = [(assets.index(leg.asset), leg.side.sign, leg.notional, leg.collateral, leg.maintenance_rate,
             _log_barrier(leg.side.sign, leg.leverage, leg.maintenance_rate)) for leg in legs]
    dt = days / DAYS_PER_YEAR / n_steps
    children = np.random.SeedSequence(seed).spawn(math.ceil(n_paths / BLOCK_PATHS))

    losses = {MarginMode.ISOLATED: np.empty(n_paths), MarginMode.CROSS: np.empty(n_paths)}
    leg_hits = np.zeros(len(legs), dtype=np.int64)
    any_hit = all_hit = pool_hit = 0
    for start in range(0, n_paths, chunk):
        stop = min(n_paths, start + chunk)
        log_path = np.concatenate(
            [_block_log_increments(children[b // BLOCK_PATHS], min(stop, b + BLOCK_PATHS) - b, n_steps, dt,
                                   drift, vol, factor, jumps) for b in range(start, stop, BLOCK_PATHS)], axis=1)
        np.cumsum(log_path, axis=2, out=log_path)
        low, high, end = log_path.min(axis=2), log_path.max(axis=2), np.exp(log_path[:, :, -1])

        # Isolated: each leg against its own barrier; survivors marked at the end.
        value = np.zeros(stop - start)
        some, every = np.zeros(stop - start, dtype=bool), np.ones(stop - start, dtype=bool)
        for i, (a, sign, notional, collateral, _, barrier) in enumerate(plan):
            if barrier is None:
                hit = np.zeros(stop - start, dtype=bool)
            else:
                hit = low[a] <= barrier if sign > 0 else high[a] >= barrier
            leg_hits[i] += np.count_nonzero(hit)
            some |= hit
            every &= hit
            value += np.where(hit, 0.0, collateral + _pnl_kernel(sign, notional, 1.0, end[a]))
        any_hit += int(np.count_nonzero(some))
        all_hit += int(np.count_nonzero(every))
        losses[MarginMode.ISOLATED][start:stop] = capital - value

        # Cross: one pool; equity minus the summed maintenance margin at every check.
        relative = np.exp(log_path, out=log_path)
        surplus = np.full(relative.shape[1:], capital)
        equity_end = np.full(stop - start, capital)
        for a, sign, notional, _, rate, _ in plan:
            surplus += _pnl_kernel(sign, notional, 1.0, relative[a])
            surplus -= rate * notional * relative[a]
            equity_end += _pnl_kernel(sign, notional, 1.0, end[a])
        pool_gone = surplus.min(axis=1) <= 0.0
        pool_hit += int(np.count_nonzero(pool_gone))
        losses[MarginMode.CROSS][start:stop] = capital - np.where(pool_gone, 0.0, equity_end)
        if progress is not None:
            progress(stop, n_paths)

    def risk(mode: MarginMode, liquidated: int, lost: int, per_leg) -> ModeRisk:
        loss = losses[mode]
        return ModeRisk(mode, capital, n_paths, liquidated / n_paths, lost / n_paths, float(loss.mean()),
                        _expected_shortfall(loss, 0.95), _expected_shortfall(loss, 0.99),
                        tuple(float(h) / n_paths for h in per_leg))

    return ModeComparison(
        portfolio=portfolio,
        isolated=risk(MarginMode.ISOLATED, any_hit, all_hit, leg_hits),
        cross=risk(MarginMode.CROSS, pool_hit, pool_hit, [pool_hit] * len(legs)),
        days=days,
        steps_per_day=int(steps_per_day),
        seed=seed,
        jumps=jumps,
    )
