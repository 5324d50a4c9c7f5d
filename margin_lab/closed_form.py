"""Closed forms for the chance that one isolated position is liquidated before a horizon.

The price follows geometric Brownian motion with annual drift ``mu`` and volatility ``sigma``
on a 365-day year, so the log price moves as Brownian motion with drift ``nu = mu − sigma²/2``.
With collateral = notional / leverage and no fees, the liquidation price is a fixed multiple
of the entry price (REFERENCE.md §1 with M = Q·EP/L, cum = 0), so liquidation is the first
passage of that Brownian motion through a fixed level: the reflection principle gives it in
closed form, and the Broadie–Glasserman–Kou shift corrects it for a price checked only once
per step. :mod:`margin_lab.simulate` checks these formulas by Monte Carlo.

Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import math

from ._checks import require_choice, require_count, require_fraction, require_number, require_positive, require_range
from ._checks import require_rate_below_initial
from .margin import _liquidation_price_kernel
from .model import Side

__all__ = ["liquidation_probability_exact", "ending_beyond_probability"]

DAYS_PER_YEAR = 365.0
MAX_LEVERAGE = 1000.0

# Broadie, Glasserman & Kou (1997): beta = −zeta(1/2) / sqrt(2·pi) ≈ 0.5826.
BGK_BETA = 1.4603545088095868 / math.sqrt(2.0 * math.pi)


def _log_barrier(sign: int, leverage: float, maintenance_rate: float) -> float | None:
    """ln(P_liq / EP) for collateral = notional / leverage, mark basis, no fee and no amount.

    Uses the one liquidation-price formula (margin._liquidation_price_kernel) with EP = 1 and
    Q = 1, so M = 1/L. ``None`` when no price can liquidate (a long at leverage <= 1).
    """
    ratio = _liquidation_price_kernel(sign, 1.0, 1.0, 1.0 / leverage, maintenance_rate, 0.0, 0.0, False)
    return math.log(ratio) if ratio > 0 else None


def _single_position(side, leverage, maintenance_rate, annual_volatility, days, drift):
    """Validate the arguments shared by the closed form and the Monte Carlo estimate.

    Returns (sign, log barrier or None, volatility, years, drift) as plain floats.
    """
    side = require_choice("side", side, Side)
    leverage = require_range("leverage", leverage, 0.0, MAX_LEVERAGE, low_open=True)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    require_rate_below_initial(rate, leverage)
    # Above 5 (500 % a year) it is almost surely a percentage typed as a number: refused, as in paths.
    volatility = require_range("annual_volatility", annual_volatility, 0.0, 5.0, hint="a fraction per year: 0.8 = 80 %")
    days = require_positive("days", days)
    drift = require_number("drift", drift, hint="annual drift as a fraction: 0.1 = 10 % a year")
    return side.sign, _log_barrier(side.sign, leverage, rate), volatility, days / DAYS_PER_YEAR, drift


def _step_count(days: float, steps_per_day: object) -> int:
    """Number of monitoring steps; days·steps_per_day must be a whole number."""
    per_day = require_count("steps_per_day", steps_per_day)
    steps = days * per_day
    whole = round(steps)
    if whole < 1 or abs(steps - whole) > 1e-9 * max(1.0, steps):
        raise ValueError(
            f"days * steps_per_day must be a whole number of steps >= 1, got {days!r} * {per_day!r} = {steps!r}"
        )
    return whole


def _normal_tail(z: float) -> float:
    """Phi(−z) = P(N(0, 1) > z), accurate in the far tail (math.erfc keeps relative precision)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _normal_density(z: float) -> float:
    return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def _mills_ratio(z: float) -> float:
    """Phi(−z) / phi(z) for z >= 0, without under- or overflow."""
    if z < 30.0:
        return _normal_tail(z) / _normal_density(z)
    # Laplace's continued fraction 1/(z + 1/(z + 2/(z + 3/(z + ...)))), converged for z >= 30.
    tail = z
    for k in range(40, 0, -1):
        tail = z + k / tail
    return 1.0 / tail


def _first_passage(distance: float, adverse_drift: float, volatility: float, years: float) -> float:
    """P(max over [0, T] of m·t + sigma·W_t >= a) for a > 0 (reflection principle).

        P = Phi((−a + m·T) / (sigma·√T)) + exp(2·m·a / sigma²) · Phi((−a − m·T) / (sigma·√T))

    For m > 0 the second term is written phi(z1)·R(z2), z1 = (a − mT)/(sigma√T),
    z2 = (a + mT)/(sigma√T), R the Mills ratio: the same number, but exp never overflows.
    With sigma = 0 the path is the line m·t: it reaches a exactly when m·T >= a.
    """
    if volatility**2 == 0.0:  # also a subnormal sigma, whose square underflows to 0
        return 1.0 if adverse_drift * years >= distance else 0.0
    spread = volatility * math.sqrt(years)
    z1 = (distance - adverse_drift * years) / spread
    z2 = (distance + adverse_drift * years) / spread
    if adverse_drift > 0:
        reflected = _normal_density(z1) * _mills_ratio(z2)
    else:
        reflected = math.exp(2.0 * adverse_drift * distance / volatility**2) * _normal_tail(z2)
    # The two terms add to at most 1 mathematically; min() only absorbs the last bit of rounding.
    return min(_normal_tail(z1) + reflected, 1.0)


def liquidation_probability_exact(
    side: str | Side,
    leverage: float,
    maintenance_rate: float,
    annual_volatility: float,
    days: float,
    *,
    steps_per_day: int | None = None,
    drift: float = 0.0,
) -> float:
    """Chance that one isolated position is liquidated within ``days``, in closed form.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        In (0, 1000]; the collateral is notional / leverage.
    maintenance_rate : float
        A fraction in [0, 1/leverage) (0.005 = 0.5 %), charged on the value at the mark.
    annual_volatility : float
        sigma, a fraction per year >= 0 (0.8 = 80 %); 0 gives the exact deterministic answer.
    days : float
        Horizon T in days (> 0); a year has 365 days.
    steps_per_day : int or None
        None: the price is watched continuously. An integer >= 1: it is checked only at the end
        of each step of 1/steps_per_day day, and days·steps_per_day must be whole.
    drift : float
        Annual drift mu of the price (a fraction; 0.1 = +10 % a year).

    Returns
    -------
    float
        A probability in [0, 1]. A long at leverage <= 1 has no liquidation price: 0.0.

    Raises
    ------
    ValueError, TypeError
        Naming the argument, the value and the allowed range.

    Notes
    -----
    With s = +1 long / −1 short, r the rate and L the leverage, the liquidation price is
    P_liq = EP·(1 − s/L)/(1 − s·r) (REFERENCE.md §1), a log distance a = |ln((1 − s/L)/(1 − s·r))|.
    The adverse log move −s·ln(P/EP) is Brownian motion with drift m = −s·(mu − sigma²/2), so

        P(liquidated by T) = Phi((−a + m·T)/(sigma·√T)) + exp(2·m·a/sigma²)·Phi((−a − m·T)/(sigma·√T))

    (first passage of Brownian motion with drift; with m = 0 this is the reflection principle's
    2·Phi(−a/(sigma·√T))). Discrete monitoring: a price checked every dt years misses crossings
    between checks; Broadie, Glasserman & Kou replace a by a + beta·sigma·√dt with
    beta = −zeta(1/2)/√(2·pi) ≈ 0.5826, which is never more than the continuous answer.
    Taught in lessons/06_choosing_a_mode.ipynb.

    References
    ----------
    S. Shreve, Stochastic Calculus for Finance II (2004), §3.7 and §7.2 (first passage and
    maximum of Brownian motion with drift); I. Karatzas & S. Shreve, Brownian Motion and
    Stochastic Calculus (1991), §2.8 and §3.5.C; M. Broadie, P. Glasserman & S. Kou, "A continuity
    correction for discrete barrier options", Mathematical Finance 7(4), 1997, 325–349;
    REFERENCE.md §1 (liquidation price).

    Examples
    --------
    The 10x long with a 0.5 % rate of REFERENCE.md (liquidation at 18,090.45 for an entry of
    20,000) at 80 % volatility over 30 days, with the log price driftless (mu = sigma²/2):

    >>> p = liquidation_probability_exact("long", 10, 0.005, 0.8, 30, drift=0.32)
    >>> round(p, 4)
    0.6617

    which is the reflection principle's 2·Phi(−a/(sigma·√T)) with a = ln(20,000/18,090.45):

    >>> import math
    >>> a, spread = math.log(20_000 / 18_090.45), 0.8 * math.sqrt(30 / 365)
    >>> round(math.erfc(a / spread / math.sqrt(2)), 4)
    0.6617

    Checking the price once a day instead of continuously:

    >>> round(liquidation_probability_exact("long", 10, 0.005, 0.8, 30, steps_per_day=1, drift=0.32), 4)
    0.5865

    With no volatility the answer is certain. The log distance is ln(0.995/0.9) = 0.1003; a
    drift of −50 % a year moves the log price by −0.1000 in 73 days (short of it) and by
    −0.1014 in 74 days (past it):

    >>> liquidation_probability_exact("long", 10, 0.005, 0.0, 73, drift=-0.5)
    0.0
    >>> liquidation_probability_exact("long", 10, 0.005, 0.0, 74, drift=-0.5)
    1.0
    """
    sign, barrier, volatility, years, drift = _single_position(
        side, leverage, maintenance_rate, annual_volatility, days, drift
    )
    distance = None if barrier is None else abs(barrier)
    if steps_per_day is not None:
        steps = _step_count(years * DAYS_PER_YEAR, steps_per_day)
        if distance is not None:
            distance += BGK_BETA * volatility * math.sqrt(years / steps)
    if distance is None:
        return 0.0
    adverse_drift = -sign * (drift - 0.5 * volatility**2)
    return _first_passage(distance, adverse_drift, volatility, years)


def ending_beyond_probability(
    side: str | Side,
    leverage: float,
    maintenance_rate: float,
    annual_volatility: float,
    days: float,
    *,
    drift: float = 0.0,
) -> float:
    """Chance that the price *ends* the period beyond the liquidation price (not: touches it).

    The usual slip when estimating a liquidation probability: it looks only at the last
    price. A path can cross the liquidation price and come back, so the chance of touching it
    is larger: about twice as large for a driftless log price (the reflection principle).

    Parameters
    ----------
    As for :func:`margin_lab.liquidation_probability_exact`; ``annual_volatility`` > 0.

    Notes
    -----
    With s = +1 long / −1 short and a = |ln(P_liq/EP)|, the log price at T is normal with mean
    (mu − sigma²/2)·T and standard deviation sigma·√T, so the chance of ending beyond is
    Phi((−a + m·T)/(sigma·√T)) with the adverse drift m = −s·(mu − sigma²/2): the first term of
    the first-passage formula only. Taught in lessons/06_choosing_a_mode.ipynb.

    References
    ----------
    S. Shreve, Stochastic Calculus for Finance II (2004), §3.7; REFERENCE.md §1.

    Examples
    --------
    A 10x long at 80 % volatility over 30 days with mu = sigma²/2 (a driftless log price):
    touching is twice as likely as ending below.

    >>> end = ending_beyond_probability("long", 10, 0.005, 0.8, 30, drift=0.32)
    >>> touch = liquidation_probability_exact("long", 10, 0.005, 0.8, 30, drift=0.32)
    >>> round(end, 4), round(touch / end, 6)
    (0.3309, 2.0)
    """
    side = require_choice("side", side, Side)
    touch = liquidation_probability_exact(side, leverage, maintenance_rate, annual_volatility, days, drift=drift)
    barrier = _log_barrier(side.sign, float(leverage), float(maintenance_rate))
    if barrier is None or touch == 0.0:
        return 0.0
    volatility = require_number("annual_volatility", annual_volatility)
    if volatility == 0.0:
        return touch  # without volatility the path is a straight line: touching is ending beyond
    years = float(days) / DAYS_PER_YEAR
    adverse = -side.sign * (float(drift) - 0.5 * volatility**2)
    return _normal_tail((abs(barrier) - adverse * years) / (volatility * math.sqrt(years)))
