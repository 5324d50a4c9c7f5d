"""Compute step of the lesson 6 odds curve: the chance that one isolated position is liquidated.

:func:`liquidation_curve` gives the closed-form chance (price watched continuously, and checked
once a day, from :func:`margin_lab.liquidation_probability_exact`) against the leverage, with a
few Monte Carlo estimates (:func:`margin_lab.simulate.liquidation_probability`) and their
standard errors as a check. :mod:`margin_lab.studies.choice` adds it to the mode chooser.

Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .._checks import require_choice, require_count, require_fraction, require_positive, require_range
from ..closed_form import liquidation_probability_exact
from .._checks import require_rate_below_initial
from ..model import Side
from ..simulate import liquidation_probability
from ..text import chance, percent

__all__ = ["LiquidationCurve", "liquidation_curve"]


# ---------------------------------------------------------------------------------------------
# One isolated position: the chance of a liquidation against the leverage.


@dataclass(frozen=True)
class LiquidationCurve:
    """Chance that one isolated position is liquidated within ``days``, by leverage.

    ``continuous`` and ``daily`` are the closed form with the price watched continuously and
    checked once a day, at each of ``leverages``; ``check_*`` are Monte Carlo estimates (daily
    checks, ``paths`` paths) with their standard errors; ``marked`` is a leverage to highlight
    (or None). Probabilities are fractions in [0, 1].
    """

    side: Side
    annual_volatility: float
    days: float
    maintenance_rate: float
    leverages: tuple[float, ...]
    continuous: tuple[float, ...]
    daily: tuple[float, ...]
    check_leverages: tuple[float, ...] = ()
    check_estimates: tuple[float, ...] = ()
    check_errors: tuple[float, ...] = ()
    paths: int = 0
    seed: int = 0
    marked: float | None = None

    def probability(self, leverage: float, *, daily: bool = False) -> float:
        """The closed form at any ``leverage`` (not only the grid's), for these settings."""
        return liquidation_probability_exact(self.side, leverage, self.maintenance_rate, self.annual_volatility,
                                             self.days, steps_per_day=1 if daily else None)

    @property
    def checks_agree(self) -> int:
        """How many Monte Carlo estimates lie within two standard errors of the daily formula."""
        return sum(abs(estimate - self.probability(leverage, daily=True)) <= 2 * error + 1e-12
                   for leverage, estimate, error in zip(self.check_leverages, self.check_estimates,
                                                        self.check_errors))

    def summary(self) -> str:
        """The figure's key numbers in words."""
        lines = [
            f"Chance that one isolated {self.side.value} is liquidated within {self.days:g} days at "
            f"{percent(self.annual_volatility, 0)} annual volatility ({percent(self.maintenance_rate, 2)} "
            "maintenance, no drift), price watched continuously / checked once a day:"
        ]
        shown = self.check_leverages or ((self.marked,) if self.marked is not None else ())
        for i, leverage in enumerate(shown):
            line = (f"  at {leverage:g}x: {chance(self.probability(leverage))} / "
                    f"{chance(self.probability(leverage, daily=True))}")
            if self.check_leverages:
                line += (f"; Monte Carlo ({self.paths:,} paths, daily): {chance(self.check_estimates[i])} "
                         f"± {chance(2 * self.check_errors[i])}")
            lines.append(line)
        if self.check_leverages:
            lines.append(f"The Monte Carlo estimates lie within two standard errors of the daily-check formula at "
                         f"{self.checks_agree} of {len(self.check_leverages)} leverages.")
        return "\n".join(lines)


def liquidation_curve(
    side: str | Side = "long",
    *,
    annual_volatility: float = 0.6,
    days: float = 30,
    maintenance_rate: float = 0.005,
    max_leverage: float = 50,
    points: int = 99,
    check_leverages: Iterable[float] = (2, 5, 20, 50),
    paths: int = 4_000,
    seed: int = 6,
    marked: float | None = None,
) -> LiquidationCurve:
    """The closed-form chance of a liquidation from 1x to ``max_leverage``, checked by Monte Carlo.

    Parameters
    ----------
    side : "long" or "short"
    annual_volatility : float
        A fraction a year, > 0 (0.6 = 60 %).
    days : float
        Horizon, a whole number of days >= 1 (the daily checks need whole days).
    maintenance_rate : float
        A fraction below 1/max_leverage (0.005 = 0.5 %).
    max_leverage : float
        Right end of the curve, in (1, 1000].
    points : int
        Number of leverages on the curve, >= 2.
    check_leverages : iterable of float
        Leverages in (0, max_leverage] where :func:`margin_lab.simulate.liquidation_probability`
        checks the formula (daily checks); empty for none.
    paths, seed : int
        Monte Carlo paths (>= 1) and seed (>= 0).
    marked : float or None
        A leverage to highlight, in (0, max_leverage].

    Notes
    -----
    The collateral is the initial margin (notional / leverage), the price follows geometric
    Brownian motion without drift; see :func:`margin_lab.liquidation_probability_exact`. The
    standard error is √(p·(1 − p)/paths), an upper bound for the antithetic estimate, and at
    least 1/paths.
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    >>> curve = liquidation_curve(check_leverages=(), marked=5)
    >>> round(curve.probability(5), 4), round(curve.probability(5, daily=True), 4)
    (0.2279, 0.1901)
    >>> curve.leverages[0], curve.leverages[-1], len(curve.leverages)
    (1.0, 50.0, 99)
    """
    side = require_choice("side", side, Side)
    annual_volatility = require_range("annual_volatility", annual_volatility, 0.0, 10.0, low_open=True,
                                      hint="a fraction a year: 0.6 = 60 %")
    days = whole_days(days)
    maintenance_rate = require_fraction("maintenance_rate", maintenance_rate)
    max_leverage = require_range("max_leverage", max_leverage, 1.0, 1000.0, low_open=True)
    require_rate_below_initial(maintenance_rate, max_leverage)
    points = require_count("points", points, minimum=2)
    checks = tuple(require_range("check_leverages", x, 0.0, max_leverage, low_open=True) for x in check_leverages)
    paths = require_count("paths", paths)
    seed = require_count("seed", seed, minimum=0)
    if marked is not None:
        marked = require_range("marked", marked, 0.0, max_leverage, low_open=True)
    leverages = tuple(float(x) for x in np.linspace(1.0, max_leverage, points))
    exact = [liquidation_probability_exact(side, x, maintenance_rate, annual_volatility, days) for x in leverages]
    daily = [liquidation_probability_exact(side, x, maintenance_rate, annual_volatility, days, steps_per_day=1)
             for x in leverages]
    estimates = tuple(liquidation_probability(side, x, maintenance_rate, annual_volatility, days, paths=paths,
                                              steps_per_day=1, seed=seed) for x in checks)
    # A floor of 1/paths: with no hit at all, the error is not zero (the rule of three says the
    # true chance may still be up to about 3/paths).
    errors = tuple(math.sqrt(max(p * (1.0 - p), 1.0 / paths) / paths) for p in estimates)
    return LiquidationCurve(side, annual_volatility, days, maintenance_rate, leverages, tuple(exact), tuple(daily),
                            checks, estimates, errors, paths if checks else 0, seed, marked)


def whole_days(days: object) -> float:
    """``days`` as a whole number of days >= 1 (the price is checked once a day), else ValueError."""
    value = require_positive("days", days)
    if value != round(value):
        raise ValueError(f"days must be a whole number of days >= 1 (the price is checked once a day), got {days!r}")
    return value
