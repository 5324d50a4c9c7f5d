"""Compute step of the lesson 6 figures: one book of positions, all isolated and in one cross pool.

:func:`mode_table` runs the four example books of
:meth:`margin_lab.simulate.PortfolioSpec.example` through
:func:`margin_lab.simulate.simulate_modes`, all isolated and in one cross pool;
:func:`mode_choice` does it for one book and adds the closed-form curve of
:func:`margin_lab.studies.choice_curve.liquidation_curve` (the mode chooser of
:mod:`margin_lab.widgets.choice`). :func:`wallet_book` puts one position in a wallet that holds
more than its collateral, so cross can draw on the rest. No formula is restated here: the
probabilities come from :mod:`margin_lab.closed_form` and :mod:`margin_lab.simulate`.

Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .._checks import require_count, require_positive, require_range
from ..model import Side
from ..simulate import LegSpec, ModeComparison, ModeRisk, PortfolioSpec, simulate_modes
from ..text import chance, number, percent
from .choice_curve import LiquidationCurve, liquidation_curve, whole_days

__all__ = ["BOOK_KINDS", "ModeChoice", "mode_choice", "ModeTable", "mode_table", "wallet_book"]

#: The example books of PortfolioSpec.example, with the names the lesson gives them.
BOOK_KINDS: dict[str, str] = {
    "one_big": "One big long",
    "independent": "Three unrelated longs",
    "correlated": "Three correlated longs",
    "hedged": "A hedged pair",
}

Progress = Callable[[int, int], object]


def _kind(kind: object) -> str:
    if kind not in BOOK_KINDS:
        raise ValueError(f"kind must be one of {list(BOOK_KINDS)}, got {kind!r}")
    return str(kind)


# ---------------------------------------------------------------------------------------------
# Books of positions in both modes.


def _describe(kind: str, portfolio: PortfolioSpec) -> str:
    legs = portfolio.legs
    first = legs[0]
    each = f"{number(first.collateral, 0)} of collateral {'each ' if len(legs) > 1 else ''}at {first.leverage:g}x"
    if kind == "one_big":
        return f"one {first.side.value} on {first.asset} with {each}"
    if kind == "hedged":
        how = percent(portfolio.correlation[0][1], 0)
        return f"a long on {first.asset} and a short on {legs[1].asset} ({how} correlated), {each}"
    correlation = portfolio.correlation[0][1]
    how = "unrelated" if correlation == 0 else f"{percent(correlation, 0)} correlated"
    count = {2: "two", 3: "three"}.get(len(legs), str(len(legs)))
    return f"{count} longs on {', '.join(portfolio.assets)} ({how}), {each}"


def _risk_line(name: str, risk: ModeRisk) -> str:
    return (f"{name}: a liquidation in {chance(risk.liquidation_probability)} of paths, everything lost in "
            f"{chance(risk.total_loss_probability)}; expected loss {number(risk.expected_loss, 0)} "
            f"({percent(risk.expected_loss_fraction, 1)} of the capital); average loss in the worst 5 % of paths "
            f"{number(risk.expected_shortfall_95, 0)}, in the worst 1 % {number(risk.expected_shortfall_99, 0)}.")


def _compare(what: str, iso: float, cross: float, margin: float) -> str:
    if abs(iso - cross) <= margin:
        return f"{what}: about the same in both modes ({chance(iso)} isolated, {chance(cross)} cross)."
    lower = "isolated" if iso < cross else "cross"
    return f"{what}: less likely in {lower} ({chance(iso)} isolated, {chance(cross)} cross)."


GAP_NOTE = ("A negative expected loss is an expected gain: with the price checked once a day it can jump past the "
            "bankruptcy price between two checks; the trader's loss stops at the collateral and the venue's "
            "insurance fund pays the rest.")


def _verdict(comparison: ModeComparison) -> list[str]:
    iso, cross = comparison.isolated, comparison.cross
    margin = 2 * max(iso.standard_error, cross.standard_error, 1.0 / comparison.n_paths)
    lines = [
        _compare("A liquidation", iso.liquidation_probability, cross.liquidation_probability, margin),
        _compare("Losing everything", iso.total_loss_probability, cross.total_loss_probability, margin),
        f"In the worst 1 % of paths: {number(iso.expected_shortfall_99, 0)} lost isolated, "
        f"{number(cross.expected_shortfall_99, 0)} cross, out of {number(iso.capital, 0)}.",
    ]
    if min(iso.expected_loss, cross.expected_loss) < 0:
        lines.append(GAP_NOTE)
    return lines


@dataclass(frozen=True)
class ModeChoice:
    """One example book through the same paths in both modes, with the one-position curve."""

    kind: str
    description: str
    leverage: float
    annual_volatility: float
    days: float
    comparison: ModeComparison
    curve: LiquidationCurve

    @property
    def isolated(self) -> ModeRisk:
        return self.comparison.isolated

    @property
    def cross(self) -> ModeRisk:
        return self.comparison.cross

    def summary(self) -> str:
        """The figure's key numbers in words, then which mode does better on each count."""
        c = self.comparison
        one = self.curve.probability(self.leverage)
        one_daily = self.curve.probability(self.leverage, daily=True)
        return "\n".join([
            f"{BOOK_KINDS[self.kind]}: {self.description}; capital {number(c.isolated.capital, 0)}. "
            f"{percent(self.annual_volatility, 0)} volatility a year, {self.days:g} days, {c.n_paths:,} paths "
            "checked once a day.",
            f"Closed form for one isolated {self.leverage:g}x long: liquidated with probability {chance(one)} "
            f"(price watched continuously), {chance(one_daily)} (checked once a day).",
            _risk_line("Isolated", c.isolated),
            _risk_line("Cross", c.cross),
            *_verdict(c),
        ])


def _example(kind: str, leverage: float, annual_volatility: float, capital: float,
             maintenance_rate: float) -> PortfolioSpec:
    return PortfolioSpec.example(kind, leverage=leverage, annual_volatility=annual_volatility, capital=capital,
                                 maintenance_rate=maintenance_rate)


@functools.lru_cache(maxsize=32)
def _unmarked_curve(annual_volatility: float, days: float, maintenance_rate: float,
                    max_leverage: float) -> LiquidationCurve:
    """The closed-form curve of one isolated long (no Monte Carlo checks), kept per settings.

    It depends on neither the book nor the leverage, and takes about 15 ms (two closed forms at
    each of about a hundred leverages): the mode chooser reuses it while those controls move.
    The result is frozen, so sharing it is safe.
    """
    return liquidation_curve("long", annual_volatility=annual_volatility, days=days,
                             maintenance_rate=maintenance_rate, max_leverage=max_leverage, check_leverages=())


def mode_choice(
    kind: str = "independent",
    leverage: float = 5,
    annual_volatility: float = 0.6,
    days: float = 30,
    *,
    n_paths: int = 3_000,
    seed: int = 6,
    capital: float = 3_000,
    maintenance_rate: float = 0.005,
    max_leverage: float = 50,
    progress: Progress | None = None,
) -> ModeChoice:
    """One example book, all isolated and in one cross pool, plus the one-position curve.

    Parameters
    ----------
    kind : "one_big", "independent", "correlated" or "hedged"
        The book (:meth:`margin_lab.simulate.PortfolioSpec.example`): one long with all the
        capital; three longs on unrelated assets; three longs 80 % correlated; a hedged pair (a BTC long
        and an ETH short, 80 % correlated).
    leverage : float
        Every position's leverage, in (0, max_leverage].
    annual_volatility : float
        Every asset's volatility, a fraction a year > 0.
    days : float
        Horizon, a whole number of days >= 1.
    n_paths, seed : int
        Monte Carlo paths and seed; the same seed gives the same paths in both modes.
    capital : float
        Total collateral in quote currency, split evenly between the positions.
    maintenance_rate : float
        A fraction below 1/max_leverage.
    max_leverage : float
        Right end of the curve.
    progress : callable or None
        ``progress(done_paths, total_paths)``, called as the simulation advances.

    Notes
    -----
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    A hedged pair (BTC long, ETH short): isolated liquidates one leg or the other, one cross pool
    only rarely:

    >>> choice = mode_choice("hedged", leverage=5, n_paths=2_000)
    >>> choice.isolated.liquidation_probability > 0.3, choice.cross.liquidation_probability < 0.01
    (True, True)
    """
    kind = _kind(kind)
    max_leverage = require_range("max_leverage", max_leverage, 1.0, 1000.0, low_open=True)
    leverage = require_range("leverage", leverage, 0.0, max_leverage, low_open=True, hint="up to max_leverage")
    settings = (annual_volatility, days, maintenance_rate, max_leverage)
    if all(type(v) in (int, float) for v in settings):  # the curve is kept: a leverage move only marks it
        curve = replace(_unmarked_curve(*(float(v) for v in settings)), marked=float(leverage))
    else:
        curve = liquidation_curve("long", annual_volatility=annual_volatility, days=days,
                                  maintenance_rate=maintenance_rate, max_leverage=max_leverage, check_leverages=(),
                                  marked=leverage)
    portfolio = _example(kind, leverage, annual_volatility, capital, maintenance_rate)
    comparison = simulate_modes(portfolio, n_paths=n_paths, days=curve.days, seed=seed, progress=progress)
    return ModeChoice(kind, _describe(kind, portfolio), float(leverage), curve.annual_volatility, curve.days,
                      comparison, curve)


@dataclass(frozen=True)
class ModeTable:
    """Several example books through the same paths, each all isolated and in one cross pool."""

    kinds: tuple[str, ...]
    descriptions: tuple[str, ...]
    comparisons: tuple[ModeComparison, ...]
    leverage: float
    annual_volatility: float
    days: float

    def comparison(self, kind: str) -> ModeComparison:
        """The result for one book."""
        return self.comparisons[self.kinds.index(_kind(kind))]

    def rows(self) -> list[dict]:
        """One dict per book and mode: probabilities (fractions) and losses (quote currency)."""
        return [{"kind": kind, **row} for kind, c in zip(self.kinds, self.comparisons) for row in c.rows()]

    def summary(self) -> str:
        """A text table: one line per book and mode."""
        first = self.comparisons[0]
        head = (f"{first.n_paths:,} paths of {self.days:g} days (checked once a day), {self.leverage:g}x, "
                f"{percent(self.annual_volatility, 0)} volatility a year, capital {number(first.isolated.capital, 0)} "
                "in each book.")
        columns = f"{'book':24}{'mode':>9}{'liquidation':>13}{'all lost':>10}{'exp. loss':>11}{'ES 95 %':>9}{'ES 99 %':>9}"
        lines = [head, columns]
        for kind, c in zip(self.kinds, self.comparisons):
            for name, r in (("isolated", c.isolated), ("cross", c.cross)):
                lines.append(f"{BOOK_KINDS[kind] if name == 'isolated' else '':24}{name:>9}"
                             f"{chance(r.liquidation_probability):>13}{chance(r.total_loss_probability):>10}"
                             f"{number(r.expected_loss, 0):>11}{number(r.expected_shortfall_95, 0):>9}"
                             f"{number(r.expected_shortfall_99, 0):>9}")
        worst = max(max(c.isolated.standard_error, c.cross.standard_error) for c in self.comparisons)
        lines.append(f"ES = expected shortfall, the average loss in the worst 5 % or 1 % of paths. "
                     f"Standard error of the probabilities: at most {chance(worst)}.")
        return "\n".join(lines)


def mode_table(
    kinds: Iterable[str] = tuple(BOOK_KINDS),
    *,
    leverage: float = 5,
    annual_volatility: float = 0.6,
    days: float = 30,
    n_paths: int = 3_000,
    seed: int = 6,
    capital: float = 3_000,
    maintenance_rate: float = 0.005,
    progress: Progress | None = None,
) -> ModeTable:
    """Run each example book of ``kinds`` through :func:`margin_lab.simulate.simulate_modes`.

    Arguments as for :func:`mode_choice`; every book uses the same ``seed``, so the first asset
    follows the same paths in all of them. ``progress(done, total)`` counts paths over all books.

    Notes
    -----
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    >>> table = mode_table(("one_big", "hedged"), n_paths=1_000)
    >>> big = table.comparison("one_big")
    >>> big.isolated.liquidation_probability == big.cross.liquidation_probability
    True
    """
    kinds = tuple(_kind(k) for k in kinds)
    if not kinds:
        raise ValueError("kinds must name at least one book, got ()")
    days = whole_days(days)
    total = len(kinds) * require_count("n_paths", n_paths)
    results, descriptions = [], []
    for i, kind in enumerate(kinds):
        portfolio = _example(kind, leverage, annual_volatility, capital, maintenance_rate)
        report = None if progress is None else (lambda done, _n, i=i: progress(i * n_paths + done, total))
        results.append(simulate_modes(portfolio, n_paths=n_paths, days=days, seed=seed, progress=report))
        descriptions.append(_describe(kind, portfolio))
    return ModeTable(kinds, tuple(descriptions), tuple(results), float(leverage), float(annual_volatility), days)


# ---------------------------------------------------------------------------------------------
# One position in a bigger wallet.


def wallet_book(
    side: str | Side = "long",
    *,
    leverage: float = 5,
    collateral: float = 4_000,
    balance: float = 10_000,
    annual_volatility: float = 0.6,
    maintenance_rate: float = 0.005,
    asset: str = "BTC",
) -> PortfolioSpec:
    """One position and the rest of the wallet, for :func:`margin_lab.simulate.simulate_modes`.

    Isolated, the position risks only its ``collateral``; in cross the whole ``balance`` backs it.
    The rest of the wallet, ``balance − collateral``, is a second leg that cannot move: a 1x
    long of a stable coin ("USD") with no volatility and no maintenance margin, that is, cash.
    Isolated, it is never touched; in cross it joins the pool.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        The position's leverage (notional / collateral), in (0, 1000].
    collateral, balance : float
        Quote currency; ``0 < collateral < balance``.
    annual_volatility, maintenance_rate : float
        The position's asset: volatility a year and maintenance rate, as fractions.
    asset : str
        The position's asset name.

    Notes
    -----
    In cross the position is liquidated when its price reaches the liquidation price of
    REFERENCE.md §1 with M = balance: with the cash leg's zero maintenance, the pool's
    equity-versus-requirement test is exactly that formula.
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    >>> book = wallet_book(leverage=5, collateral=4_000, balance=10_000)
    >>> book.capital, book.legs[0].notional, book.legs[1].notional
    (10000.0, 20000.0, 6000.0)
    """
    collateral = require_positive("collateral", collateral)
    balance = require_positive("balance", balance)
    if collateral >= balance:
        raise ValueError(f"collateral must be < balance = {balance:g} (the rest of the wallet is what cross adds), "
                         f"got {collateral!r}")
    position = LegSpec(asset, side, leverage, collateral, maintenance_rate, annual_volatility)
    cash = LegSpec("USD", "long", 1.0, balance - collateral, 0.0, 0.0)
    return PortfolioSpec((position, cash))
