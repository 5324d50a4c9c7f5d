"""Random price paths: geometric Brownian motion, Merton jump-diffusion, correlated assets.

A :class:`PricePaths` holds prices of shape ``(n_paths, n_steps + 1)`` for one asset, or
``(n_assets, n_paths, n_steps + 1)`` for several, the times in days, the asset names and, for
candles, each step's low and high. Time runs on a 365-day year (crypto trades every day);
drift and volatility are annualised fractions (0.6 = 60 %). Every generator takes an explicit
``seed`` or ``rng``: nothing is drawn from hidden global randomness.

The private kernels :func:`_gbm_log_increments`, :func:`_jump_log_increments` and
:func:`_correlated_log_increments` return log increments without building prices, so
:mod:`margin_lab.simulate` can draw in chunks. Stylised stress scenarios live in
:mod:`margin_lab.scenarios`, recorded candles in :mod:`margin_lab.candles`. Taught in
lessons/06_choosing_a_mode.ipynb (Monte Carlo) and lessons/08_capstone.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import require_count, require_positive, require_range, require_text

__all__ = ["ASSET_DEFAULTS", "AssetDefaults", "DAYS_PER_YEAR", "PricePaths", "correlated_paths", "gbm_paths",
           "jump_diffusion_paths"]

DAYS_PER_YEAR = 365  # crypto trades every day
_ANNUAL = "annualised, as a fraction: 0.6 = 60 %"


@dataclass(frozen=True)
class AssetDefaults:
    """Stylised defaults for one asset: start price (quote per base), annualised volatility
    (fraction), crash ``beta`` (how much deeper it falls than BTC in a scenario), and jumps
    (rate per year, mean and spread of the log jump size)."""

    start_price: float
    volatility: float
    beta: float
    jump_rate: float = 8.0
    jump_mean: float = -0.05
    jump_std: float = 0.07


#: Stylised per-asset defaults. Volatilities are the order of magnitude of 2021-2024 realised
#: volatility (annualised with sqrt(365)), not estimates: trdesk.com/volatility describes BTC as
#: typically 40-80 %, ETH 50-100 %, altcoins 80-200 %+; Kaiko data (reported early 2023) put
#: BTC's 30-day realised volatility above 60 %. Start prices are those of REFERENCE.md §1's
#: worked examples (BTC at 20,000; ETH at 1,000). Betas (alts fall further than BTC) and jumps
#: (about 8 a year, log size −5 % ± 7 %: three in four are falls) are stylised assumptions.
ASSET_DEFAULTS: dict[str, AssetDefaults] = {
    "BTC": AssetDefaults(start_price=20_000.0, volatility=0.60, beta=1.0),
    "ETH": AssetDefaults(start_price=1_000.0, volatility=0.75, beta=1.2),
    "SOL": AssetDefaults(start_price=100.0, volatility=1.00, beta=1.5, jump_std=0.09),
}


# --- The value

@dataclass(frozen=True, eq=False)
class PricePaths:
    """Prices over time for one or several assets, one or many paths; read-only arrays.

    Attributes
    ----------
    prices : ndarray
        Quote per base unit, > 0; shape ``(n_paths, n_steps + 1)`` for one asset or
        ``(n_assets, n_paths, n_steps + 1)``. Point 0 is the start; point i the close of step i.
    times : ndarray
        Days, shape ``(n_steps + 1,)``, strictly increasing (generated paths start at 0).
    assets : tuple of str
        One name per asset.
    low, high : ndarray or None
        Same shape as ``prices``: the lowest and highest price during step i (point 0: the
        start price), so a long can be liquidated by a low the close never shows.
    description : str
        The model or episode the paths come from.
    """

    prices: np.ndarray
    times: np.ndarray
    assets: tuple[str, ...]
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    description: str = ""

    def __post_init__(self):
        prices = _positive_array("prices", self.prices)
        if prices.ndim not in (2, 3) or prices.shape[-1] < 2 or 0 in prices.shape:
            raise ValueError("prices must have shape (n_paths, n_steps + 1) or (n_assets, n_paths, n_steps + 1) "
                             f"with n_steps >= 1, got shape {prices.shape}")
        assets = _asset_names(self.assets)
        if len(assets) != (1 if prices.ndim == 2 else prices.shape[0]):
            raise ValueError(f"assets must name each asset of prices (shape {prices.shape}) once, got {assets!r}")
        times = np.array(self.times, dtype=float)
        if times.shape != prices.shape[-1:] or not np.all(np.isfinite(times)) or np.any(np.diff(times) <= 0):
            raise ValueError(f"times must be {prices.shape[-1]} finite, strictly increasing days, got {self.times!r}")
        fields = {"prices": prices, "times": times, "assets": assets}
        for name in ("low", "high"):
            if getattr(self, name) is not None:
                fields[name] = _positive_array(name, getattr(self, name))
                if fields[name].shape != prices.shape:
                    raise ValueError(f"{name} must have the shape of prices {prices.shape}, got {fields[name].shape}")
        for lower, upper in (("low", "prices"), ("prices", "high")):
            if lower in fields and upper in fields and (bad := fields[lower] > fields[upper]).any():
                where = _first_index(bad)
                raise ValueError(f"{lower} must be <= {upper}, got {fields[lower][where]!r} > "
                                 f"{fields[upper][where]!r} at index {where}")
        for name, value in fields.items():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(self, name, value)

    n_assets = property(lambda self: len(self.assets), doc="Number of assets.")
    n_paths = property(lambda self: self.prices.shape[-2], doc="Number of paths.")
    n_steps = property(lambda self: self.prices.shape[-1] - 1, doc="Number of steps (points − 1).")

    @property
    def days(self) -> float:
        """Length of the paths in days."""
        return float(self.times[-1] - self.times[0])

    def log_returns(self) -> np.ndarray:
        """Log return of each step, ln(P_i / P_{i−1}); shape ``prices.shape[:-1] + (n_steps,)``."""
        return np.diff(np.log(self.prices), axis=-1)

    def asset(self, name: str) -> "PricePaths":
        """The paths of one asset, as a one-asset PricePaths."""
        if name not in self.assets:
            raise ValueError(f"asset must be one of {list(self.assets)}, got {name!r}")
        return self if self.prices.ndim == 2 else self._pick(self.assets.index(name), (name,))

    def path(self, index: int) -> "PricePaths":
        """One path (every asset), as a PricePaths with ``n_paths == 1``."""
        i = require_count("index", index, minimum=0)
        if i >= self.n_paths:
            raise ValueError(f"index must be a path number in [0, {self.n_paths - 1}], got {index!r}")
        return self._pick((..., slice(i, i + 1), slice(None)), self.assets)

    def _pick(self, key, assets) -> "PricePaths":
        prices, low, high = (None if a is None else a[key] for a in (self.prices, self.low, self.high))
        return PricePaths(prices, self.times, assets, low, high, self.description)

    def resample(self, steps_per_candle: int) -> "PricePaths":
        """Coarser candles: every ``steps_per_candle`` steps become one step whose low and high
        are the extremes inside it (e.g. hourly steps -> daily candles with ``24``).

        >>> fine = PricePaths([[100.0, 90.0, 105.0, 101.0, 99.0]], times=[0, 1, 2, 3, 4], assets="BTC")
        >>> daily = fine.resample(2)
        >>> daily.prices.tolist(), daily.low.tolist(), daily.high.tolist()
        ([[100.0, 105.0, 99.0]], [[100.0, 90.0, 99.0]], [[100.0, 105.0, 105.0]])
        """
        k = require_count("steps_per_candle", steps_per_candle)
        if self.n_steps % k:
            raise ValueError(f"steps_per_candle must divide n_steps = {self.n_steps}, got {k}")
        n = self.n_steps // k

        def extreme(values, reduce):
            src = self.prices if values is None else values
            inside = reduce(src[..., 1:].reshape(*src.shape[:-1], n, k), axis=-1)
            body = reduce(np.stack([inside, self.prices[..., :-1:k]]), axis=0)
            return np.concatenate([src[..., :1], body], axis=-1)

        return PricePaths(self.prices[..., ::k], self.times[::k], self.assets,
                          extreme(self.low, np.min), extreme(self.high, np.max), self.description)

    def summary(self) -> str:
        """Text for under a figure: size, then per asset start and final-price quantiles."""
        lines = [f"{self.description or 'price paths'}: {self.n_paths:,} path(s) x {self.n_steps:,} steps ({self.days:g} days)"]
        for name in self.assets:
            one = self.asset(name)
            q5, q50, q95 = np.percentile(one.prices[:, -1], [5, 50, 95])
            lowest = (one.prices if one.low is None else one.low).min()
            lines.append(f"{name}: start {one.prices[0, 0]:,.2f}; final 5 % / median / 95 %: "
                         f"{q5:,.2f} / {q50:,.2f} / {q95:,.2f}; lowest {lowest:,.2f}")
        return "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PricePaths):
            return NotImplemented
        pairs = ((getattr(self, f), getattr(other, f)) for f in ("prices", "times", "low", "high"))
        return (self.assets, self.description) == (other.assets, other.description) and all(
            (a is None) == (b is None) and (a is None or np.array_equal(a, b)) for a, b in pairs)

    __hash__ = None  # type: ignore[assignment]  # holds arrays: unhashable, like ndarray

    def __repr__(self) -> str:
        return (f"PricePaths(assets={self.assets!r}, n_paths={self.n_paths}, n_steps={self.n_steps}, "
                f"days={self.days:g}, candles={self.low is not None}, description={self.description!r})")


@dataclass(frozen=True)
class _Owned:
    """An array a generator built and nobody else holds: PricePaths takes it without a copy."""

    array: np.ndarray


def _first_index(bad: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _positive_array(name: str, value) -> np.ndarray:
    try:
        # A caller's array is copied (they keep theirs writable); a generator's is taken as is.
        array = value.array if isinstance(value, _Owned) else np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of prices, got {value!r}") from None
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        where = _first_index(bad)
        raise ValueError(f"{name} must hold finite prices > 0, got {array[where]!r} at index {where}")
    return array


# --- Kernels: no validation; rng is a numpy Generator, dt in years, rates annualised fractions.

def _gbm_log_increments(rng, n_paths, n_steps, dt, drift, vol):
    """Log increments of geometric Brownian motion, shape ``(n_paths, n_steps)``.

    ln(P_{i+1}/P_i) = (μ − σ²/2)·dt + σ·√dt·Z with Z standard normal (one draw per step), so
    E[P_T] = P_0·e^{μT}. ``dt`` in years (1/365 for a daily step), μ = ``drift``, σ = ``vol``.

    >>> _gbm_log_increments(np.random.default_rng(0), 1, 2, 1 / 365, 0.365, 0.0).round(6).tolist()
    [[0.001, 0.001]]
    """
    z = rng.standard_normal((n_paths, n_steps))
    z *= vol * math.sqrt(dt)
    z += (drift - 0.5 * vol * vol) * dt
    return z


def _jump_log_increments(rng, n_paths, n_steps, dt, drift, vol, jump_rate, jump_mean, jump_std):
    """Log increments of Merton's jump-diffusion, shape ``(n_paths, n_steps)``.

    ln(P_{i+1}/P_i) = (μ − σ²/2 − λk)·dt + σ·√dt·Z + Σ_{j≤N} J_j, with N ~ Poisson(λ·dt) jumps
    per step, log jump sizes J ~ Normal(m, s²) and k = e^{m + s²/2} − 1, the compensator that
    keeps E[P_T] = P_0·e^{μT}. λ = ``jump_rate`` per year, m = ``jump_mean``, s = ``jump_std``.
    Draw order: the diffusion normals, the Poisson counts, then one normal per step with jumps.

    >>> x = _jump_log_increments(np.random.default_rng(1), 1, 3, 1.0, 0.0, 0.0, 0.0, -0.1, 0.1)
    >>> x.tolist()  # no diffusion, no jumps: nothing moves
    [[0.0, 0.0, 0.0]]
    """
    k = math.exp(jump_mean + 0.5 * jump_std * jump_std) - 1.0
    x = _gbm_log_increments(rng, n_paths, n_steps, dt, drift - jump_rate * k, vol)
    counts = rng.poisson(jump_rate * dt, size=(n_paths, n_steps))
    hit = np.nonzero(counts)
    n = counts[hit]
    x[hit] += n * jump_mean + jump_std * np.sqrt(n) * rng.standard_normal(n.size)
    return x


def _correlated_log_increments(rng, n_paths, n_steps, dt, drifts, vols, factor):
    """GBM log increments of correlated assets, shape ``(n_assets, n_paths, n_steps)``: shocks
    Z = F·ε (ε independent standard normals, F·Fᵀ = C from :func:`_correlation_factor`), then
    (μ_a − σ_a²/2)·dt + σ_a·√dt·Z_a per asset."""
    drifts, vols = np.asarray(drifts, dtype=float), np.asarray(vols, dtype=float)
    eps = rng.standard_normal((len(vols), n_paths * n_steps))
    z = (factor @ eps).reshape(len(vols), n_paths, n_steps)
    z *= (vols * math.sqrt(dt))[:, None, None]
    z += ((drifts - 0.5 * vols * vols) * dt)[:, None, None]
    return z


def _prices_from_log_increments(start, increments):
    """P_0·exp(cumulative sum), the start as point 0; ``start`` is a number or ``(n_assets, 1)``."""
    out = np.empty(increments.shape[:-1] + (increments.shape[-1] + 1,))
    out[..., 0] = 0.0
    np.cumsum(increments, axis=-1, out=out[..., 1:])
    out += np.log(start)[..., None] if np.ndim(start) else math.log(start)
    np.exp(out, out=out)
    out[..., 0] = start if not np.ndim(start) else np.asarray(start)[..., 0, None]  # exact, not e^{ln S0}
    return out


# --- Validation shared by the generators (and by margin_lab.scenarios)

def _rng(seed, rng) -> np.random.Generator:
    if rng is not None and seed is not None:
        raise ValueError(f"give either seed or rng, not both, got seed={seed!r} and rng={rng!r}")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator (numpy.random.default_rng(7)), got {rng!r}")
        return rng
    if seed is None:
        raise TypeError("give seed= (a whole number >= 0) or rng= (a numpy.random.Generator): "
                        "paths never come from hidden global randomness")
    return np.random.default_rng(require_count("seed", seed, minimum=0))


def _or_default(name: str, value, asset: str, field: str) -> float:
    if value is not None:
        return value
    found = ASSET_DEFAULTS.get(require_text("asset", asset).upper())
    if found is None:
        raise ValueError(f"{name} is needed for asset {asset!r}: defaults exist only for {sorted(ASSET_DEFAULTS)}")
    return getattr(found, field)


def _asset_names(assets) -> tuple[str, ...]:
    names = (assets,) if isinstance(assets, str) else tuple(assets)
    if not names or len(set(names)) != len(names):
        raise ValueError(f"assets must be distinct names, at least one, got {assets!r}")
    return tuple(require_text("assets", name) for name in names)


def _each_asset(name: str, value, names: tuple[str, ...], check, field: str | None = None) -> list:
    """``check(f"{name}[{asset!r}]", v)`` for each asset's v, given by name (a mapping) or in order
    (a sequence); a missing one is ASSET_DEFAULTS' ``field`` for the asset, or 0.0 without one."""
    if value is None:
        value = [None] * len(names)
    elif isinstance(value, Mapping):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"{name} names assets {sorted(unknown)} that are not in assets {list(names)}")
        value = [value.get(a) for a in names]
    elif isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != len(names):
        raise TypeError(f"{name} must be a dict asset -> value or a sequence of {len(names)} values, got {value!r}")
    return [check(f"{name}[{a!r}]", 0.0 if v is None and field is None else _or_default(name, v, a, field))
            for a, v in zip(names, value)]


def _grid(n_paths, days, steps_per_day):
    n_paths, days = require_count("n_paths", n_paths), require_count("days", days)
    steps_per_day = require_count("steps_per_day", steps_per_day)
    n_steps = days * steps_per_day
    return n_paths, n_steps, 1.0 / (DAYS_PER_YEAR * steps_per_day), np.arange(n_steps + 1) / steps_per_day


def _one_asset(seed, rng, n_paths, days, steps_per_day, asset, start_price, drift, volatility):
    generator = _rng(seed, rng)
    grid = _grid(n_paths, days, steps_per_day)
    start = require_positive("start_price", _or_default("start_price", start_price, asset, "start_price"))
    vol = _volatility("volatility", _or_default("volatility", volatility, asset, "volatility"))
    return generator, grid, start, vol, _drift("drift", drift)


def _volatility(name, value) -> float:
    return require_range(name, value, 0.0, 5.0, hint=_ANNUAL)  # 60 would be a percentage: refused


def _drift(name, value) -> float:
    return require_range(name, value, -5.0, 5.0, hint=_ANNUAL)


# --- Public generators

def gbm_paths(*, seed: int | None = None, rng: np.random.Generator | None = None, n_paths: int = 1_000,
              days: int = 30, steps_per_day: int = 1, asset: str = "BTC", start_price: float | None = None,
              drift: float = 0.0, volatility: float | None = None) -> PricePaths:
    """Geometric Brownian motion paths for one asset.

    Parameters
    ----------
    seed, rng : int or numpy.random.Generator
        Exactly one: the seed of a fresh generator, or a generator to draw from.
    n_paths, days, steps_per_day : int
        Whole numbers >= 1; the paths have ``days * steps_per_day`` steps.
    asset, start_price : str, float
        Asset name and its start in quote per base unit (> 0); BTC, ETH and SOL have defaults.
    drift, volatility : float
        μ and σ, annualised fractions (0.6 = 60 %); σ in [0, 5], μ in [−5, 5]. Default σ from
        ASSET_DEFAULTS (BTC 60 %, ETH 75 %, SOL 100 %: stylised 2021-2024 levels).

    Returns
    -------
    PricePaths
        ``prices`` of shape ``(n_paths, days * steps_per_day + 1)``, times in days.

    Notes
    -----
    P_{t+dt} = P_t·exp((μ − σ²/2)·dt + σ·√dt·Z), dt = 1/(365·steps_per_day) years, so the log
    return over a step has mean (μ − σ²/2)·dt and variance σ²·dt, and E[P_T] = P_0·e^{μT}.

    References
    ----------
    Hull, *Options, Futures, and Other Derivatives*, ch. "Wiener processes and Itô's lemma";
    volatility defaults: see ASSET_DEFAULTS.

    Examples
    --------
    >>> gbm_paths(seed=7, n_paths=10_000, days=30).prices.shape
    (10000, 31)

    With no volatility the path is the drift alone: 20,000·e^{0.1} after a year.

    >>> round(float(gbm_paths(seed=1, n_paths=1, days=365, drift=0.1, volatility=0.0).prices[0, -1]), 2)
    22103.42
    """
    generator, (n_paths, n_steps, dt, times), start, vol, mu = _one_asset(
        seed, rng, n_paths, days, steps_per_day, asset, start_price, drift, volatility)
    prices = _prices_from_log_increments(start, _gbm_log_increments(generator, n_paths, n_steps, dt, mu, vol))
    return PricePaths(_Owned(prices), times, (asset,), description=f"GBM, drift {mu:.0%}, volatility {vol:.0%}")


def jump_diffusion_paths(*, seed: int | None = None, rng: np.random.Generator | None = None, n_paths: int = 1_000,
                         days: int = 30, steps_per_day: int = 1, asset: str = "BTC", start_price: float | None = None,
                         drift: float = 0.0, volatility: float | None = None, jump_rate: float | None = None,
                         jump_mean: float | None = None, jump_std: float | None = None) -> PricePaths:
    """Merton jump-diffusion paths: GBM plus sudden jumps (fat tails, overnight crashes).

    Parameters
    ----------
    seed, rng, n_paths, days, steps_per_day, asset, start_price, drift, volatility
        As for :func:`gbm_paths`; ``volatility`` is the diffusion part only.
    jump_rate : float, optional
        λ, expected jumps per year, in [0, 365·steps_per_day]. Default 8 (stylised).
    jump_mean, jump_std : float, optional
        m and s of the log jump size J ~ Normal(m, s²); m in [−1, 1], s in [0, 1]. Defaults
        −0.05 and 0.07 (SOL 0.09): stylised; three jumps in four are falls, most within ±20 %.

    Returns a PricePaths as :func:`gbm_paths` does.

    Notes
    -----
    Per step: ln(P_{i+1}/P_i) = (μ − σ²/2 − λk)·dt + σ·√dt·Z + Σ_{j≤N} J_j, N ~ Poisson(λ·dt),
    k = e^{m + s²/2} − 1. The compensator −λk keeps E[P_T] = P_0·e^{μT}; the jumps add λ·(m² + s²)
    to the yearly variance of log returns and give positive excess kurtosis.

    References
    ----------
    Merton, R. C. (1976), "Option pricing when underlying stock returns are discontinuous",
    Journal of Financial Economics 3, 125-144.

    Examples
    --------
    No diffusion, no jumps and a 36.5 % drift: 100·e^{0.365·10/365} = 101.01 after 10 days.

    >>> flat = jump_diffusion_paths(seed=1, n_paths=1, days=10, asset="SOL", drift=0.365,
    ...                             volatility=0, jump_rate=0)
    >>> round(float(flat.prices[0, -1]), 2)
    101.01
    """
    generator, (n_paths, n_steps, dt, times), start, vol, mu = _one_asset(
        seed, rng, n_paths, days, steps_per_day, asset, start_price, drift, volatility)
    rate, mean, std = (require_range(name, _or_default(name, value, asset, name), low, high, hint=hint) for name, value, low, high, hint in (
        ("jump_rate", jump_rate, 0.0, 1.0 / dt, "expected jumps per year"),
        ("jump_mean", jump_mean, -1.0, 1.0, "mean log jump size: -0.05 is about a 5 % fall"),
        ("jump_std", jump_std, 0.0, 1.0, "spread of the log jump size")))
    prices = _prices_from_log_increments(start, _jump_log_increments(generator, n_paths, n_steps, dt, mu, vol, rate, mean, std))
    return PricePaths(_Owned(prices), times, (asset,), description=f"jump-diffusion, drift {mu:.0%}, volatility {vol:.0%}, "
                      f"{rate:g} jumps/year of {mean:+.0%} ± {std:.0%}")


def correlated_paths(*, seed: int | None = None, rng: np.random.Generator | None = None,
                     assets: Sequence[str] = ("BTC", "ETH", "SOL"), correlation: float | Sequence[Sequence[float]] = 0.8,
                     n_paths: int = 1_000, days: int = 30, steps_per_day: int = 1,
                     start_prices: Mapping[str, float] | Sequence[float] | None = None,
                     drifts: Mapping[str, float] | Sequence[float] | None = None,
                     volatilities: Mapping[str, float] | Sequence[float] | None = None) -> PricePaths:
    """GBM paths for several assets whose daily shocks are correlated.

    Parameters
    ----------
    assets : sequence of str
        Asset names, distinct; defaults for each come from ASSET_DEFAULTS.
    correlation : float or matrix
        One number for every pair (stylised default 0.8: crypto majors move together), or an
        n×n matrix: symmetric, ones on the diagonal, entries in [−1, 1], positive semi-definite.
    start_prices, drifts, volatilities : mapping or sequence, optional
        Per asset (by name or in order); units as for :func:`gbm_paths`. Drifts default to 0.
    seed, rng, n_paths, days, steps_per_day
        As for :func:`gbm_paths`.

    Returns
    -------
    PricePaths
        ``prices`` of shape ``(n_assets, n_paths, days * steps_per_day + 1)``.

    Notes
    -----
    Independent normals ε become correlated shocks Z = F·ε with F·Fᵀ = C (Cholesky factor; for
    a singular C, such as perfectly correlated assets, F = V·√Λ from its eigen-decomposition).
    Each asset then follows GBM with its own μ and σ. The matrix is refused unless its smallest
    eigenvalue is >= −1e-10.

    Examples
    --------
    >>> paths = correlated_paths(seed=5, n_paths=4, days=7)
    >>> paths.prices.shape, paths.assets
    ((3, 4, 8), ('BTC', 'ETH', 'SOL'))
    >>> correlated_paths(seed=5, assets=("BTC", "ETH"), correlation=[[1, 0.9], [0.9, 0.5]])
    Traceback (most recent call last):
    ...
    ValueError: correlation must have ones on its diagonal, got 0.5 at [1, 1]
    """
    generator = _rng(seed, rng)
    names = _asset_names(assets)
    factor = _correlation_factor(correlation, len(names))
    n_paths, n_steps, dt, times = _grid(n_paths, days, steps_per_day)
    starts = _each_asset("start_prices", start_prices, names, require_positive, "start_price")
    vols = _each_asset("volatilities", volatilities, names, _volatility, "volatility")
    mus = _each_asset("drifts", drifts, names, _drift)
    increments = _correlated_log_increments(generator, n_paths, n_steps, dt, mus, vols, factor)
    prices = _prices_from_log_increments(np.array(starts)[:, None], increments)
    return PricePaths(_Owned(prices), times, names, description="correlated GBM")


def _correlation_factor(correlation, n: int, tolerance: float = 1e-10) -> np.ndarray:
    """A matrix F with F·Fᵀ = C, after refusing anything that is not a correlation matrix.

    >>> _correlation_factor(0.6, 2).round(2).tolist()
    [[1.0, 0.0], [0.6, 0.8]]
    """
    if np.ndim(correlation) == 0:
        matrix = np.full((n, n), require_range("correlation", correlation, -1.0, 1.0))
        np.fill_diagonal(matrix, 1.0)
    else:
        try:
            matrix = np.array(correlation, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"correlation must be a number or a {n}x{n} matrix of numbers, got {correlation!r}") from None
        if matrix.shape != (n, n):
            raise ValueError(f"correlation must be a {n}x{n} matrix (one row per asset), got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"correlation must hold finite numbers, got {matrix.tolist()!r}")
    checks = (
        (np.abs(matrix - matrix.T) > tolerance, "must be symmetric, got {v!r} at [{i}, {j}] but {w!r} at [{j}, {i}]"),
        (np.eye(n, dtype=bool) & (np.abs(matrix - 1) > tolerance), "must have ones on its diagonal, got {v!r} at [{i}, {j}]"),
        (np.abs(matrix) > 1, "entries must be in [-1, 1], got {v!r} at [{i}, {j}]"),
    )
    for bad, message in checks:
        if bad.any():
            i, j = _first_index(bad)
            raise ValueError("correlation " + message.format(v=float(matrix[i, j]), w=float(matrix[j, i]), i=i, j=j))
    eigenvalues, vectors = np.linalg.eigh(matrix)
    if eigenvalues[0] < -tolerance:
        raise ValueError(f"correlation must be positive semi-definite (no set of assets can have these pairwise "
                         f"correlations), got smallest eigenvalue {eigenvalues[0]:.3g} < 0")
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        # Singular but PSD within tolerance: eigenvalues in [-1e-10, 0) are rounding, taken as 0.
        return vectors * np.sqrt(np.maximum(eigenvalues, 0.0))
