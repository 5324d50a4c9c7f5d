"""How often a position is liquidated when someone checks once a day: the Broadie-Glasserman-Kou
closed form (an approximation) beside the exact figure from simulating daily checks, with its
standard error. Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import require_choice
from ..model import Side
from ..simulate import LegSpec, PortfolioSpec
from ..simulate_book import simulate_book

__all__ = ["DailyCheck", "daily_check"]


@dataclass(frozen=True)
class DailyCheck:
    """One isolated position's odds of a liquidation: watched continuously (closed form), checked
    daily by the Broadie-Glasserman-Kou approximation, and checked daily exactly (simulated)."""

    side: Side
    leverage: float
    annual_volatility: float
    days: float
    continuous: float
    approximation: float
    simulated: float
    error: float
    n_paths: int

    def summary(self) -> str:
        return (f"{self.leverage:g}x isolated {self.side.value}, {self.annual_volatility:.0%} volatility a year, "
                f"no trend (price drift 0), {self.days:g} days:\n"
                f"  price watched continuously (closed form, exact): {self.continuous:.2%}\n"
                f"  checked once a day, Broadie-Glasserman-Kou shift (closed-form approximation): "
                f"{self.approximation:.2%}\n"
                f"  checked once a day, simulated exactly ({self.n_paths:,} paths): "
                f"{self.simulated:.2%} ± {self.error:.2%} (one standard error)")


def daily_check(side: str | Side = "long", leverage: float = 5, maintenance_rate: float = 0.005,
                annual_volatility: float = 0.6, days: float = 30, *, n_paths: int = 200_000,
                seed: int = 0) -> DailyCheck:
    """The daily-check odds three ways, so the approximation shows next to the exact simulated figure.

    No fees, no funding, collateral = initial margin, price drift μ = 0 (no trend in price).
    Taught in lessons/06_choosing_a_mode.ipynb.

    >>> print(daily_check(n_paths=20_000).summary())
    5x isolated long, 60% volatility a year, no trend (price drift 0), 30 days:
      price watched continuously (closed form, exact): 22.79%
      checked once a day, Broadie-Glasserman-Kou shift (closed-form approximation): 19.01%
      checked once a day, simulated exactly (20,000 paths): 18.97% ± 0.28% (one standard error)
    """
    from ..closed_form import liquidation_probability_exact

    side = require_choice("side", side, Side)
    continuous = liquidation_probability_exact(side, leverage, maintenance_rate, annual_volatility, days)
    approximation = liquidation_probability_exact(side, leverage, maintenance_rate, annual_volatility, days,
                                                  steps_per_day=1)
    leg = LegSpec("BTC", side, leverage, 1_000.0, maintenance_rate, annual_volatility)
    (risk,) = simulate_book(PortfolioSpec((leg,)), 1_000.0, modes=[["isolated"]], n_paths=n_paths, days=days,
                            seed=seed)
    return DailyCheck(side, float(leverage), float(annual_volatility), float(days), continuous, approximation,
                      risk.any_liquidation, risk.any_liquidation_error, n_paths)
