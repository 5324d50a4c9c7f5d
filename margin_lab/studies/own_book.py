"""Your own book: "isolated or cross for my trades?", answered with like-for-like numbers and error bars.

:func:`own_book` takes the learner's legs (coin, side, leverage, collateral or a share of the
wallet), the wallet and the horizon, fills in each coin's volatility and the correlation from
:func:`coin_defaults` (overridable), turns fees and funding on, simulates every margin assignment
(all isolated, all cross, each mix) through the same paths with
:func:`margin_lab.simulate_book.simulate_book`, and returns an :class:`OwnBook` whose
:meth:`~OwnBook.summary` ends with a plain-language verdict.
Taught in lessons/06_choosing_a_mode.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .._checks import require_choice, require_count, require_positive, require_range, require_text
from ..margin import liquidation_price
from ..model import MarginMode, Side
from ..paths import ASSET_DEFAULTS
from ..simulate import Jumps, LegSpec, PortfolioSpec
from ..simulate_book import BookRisk, simulate_book
from .coin_sample import DEFAULT_CORRELATION, CoinDefaults, coin_defaults, estimate_volatility

__all__ = ["OwnLeg", "CoinDefaults", "OwnBook", "coin_defaults", "estimate_volatility", "own_book", "two_leg_book",
           "GAPS",
           "BookTable", "book_table", "example_book", "EXAMPLE_BOOKS",
           "DEFAULT_CORRELATION", "DEFAULT_FEE_RATE", "DEFAULT_FUNDING_RATE"]

#: Binance USDⓈ-M regular-tier taker fee (the "binance" preset of margin_lab.venues).
DEFAULT_FEE_RATE = 0.0005
#: Illustrative funding per 8 hours paid by longs: Binance's fixed interest component, 0.01 %.
DEFAULT_FUNDING_RATE = 0.0001


@dataclass(frozen=True)
class OwnLeg:
    """One of your positions: coin, side, leverage and the collateral backing it.

    Give ``collateral`` (quote currency) or ``share`` (a fraction of the wallet, 0.5 = half).
    ``entry_price`` defaults to the coin's stylised start price in ASSET_DEFAULTS; the risk
    figures do not depend on it, only the printed liquidation prices do.
    """

    coin: str
    side: Side | str
    leverage: float
    collateral: float | None = None
    share: float | None = None
    maintenance_rate: float = 0.005
    entry_price: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "coin", require_text("coin", self.coin).upper())
        object.__setattr__(self, "side", require_choice("side", self.side, Side))
        require_range("leverage", self.leverage, 0.0, 125.0, low_open=True)
        if (self.collateral is None) == (self.share is None):
            raise ValueError(f"give exactly one of collateral and share, got collateral={self.collateral!r}, "
                             f"share={self.share!r}")
        if self.collateral is not None:
            require_positive("collateral", self.collateral)
        else:
            require_range("share", self.share, 0.0, 1.0, low_open=True, hint="a fraction of the wallet: 0.5 = half")
        if self.entry_price is None and self.coin not in ASSET_DEFAULTS:
            raise ValueError(f"entry_price is needed for coin {self.coin!r}: defaults exist only for "
                             f"{sorted(ASSET_DEFAULTS)}")
        if self.entry_price is not None:
            require_positive("entry_price", self.entry_price)

    def backing(self, wallet: float) -> float:
        """The collateral in quote currency: as given, or share · wallet."""
        return float(self.collateral) if self.collateral is not None else float(self.share) * wallet

    @property
    def entry(self) -> float:
        return float(self.entry_price) if self.entry_price is not None else ASSET_DEFAULTS[self.coin].start_price


@dataclass(frozen=True)
class OwnBook:
    """The result of :func:`own_book`: one :class:`BookRisk` per margin assignment, with each
    leg's liquidation price under it (None: no price liquidates it), and the inputs used."""

    legs: tuple[OwnLeg, ...]
    wallet: float
    days: float
    portfolio: PortfolioSpec
    risks: tuple[BookRisk, ...]
    liquidation_prices: tuple[tuple[float | None, ...], ...]
    fee_rate: float
    funding_rate: float
    jumps: Jumps | None
    seed: int

    @property
    def n_paths(self) -> int:
        return self.risks[0].n_paths

    @property
    def all_isolated(self) -> BookRisk:
        return self.risks[0]

    @property
    def all_cross(self) -> BookRisk:
        return self.risks[-1]

    def label(self, risk: BookRisk) -> str:
        """"all isolated", "all cross", or each coin's mode for a mix."""
        if len(set(risk.modes)) == 1:
            return risk.label
        return ", ".join(f"{leg.coin} {mode}" for leg, mode in zip(self.legs, risk.modes))

    def risk(self, label: str) -> BookRisk:
        """The assignment called ``label`` (as :meth:`label` writes it)."""
        for r in self.risks:
            if self.label(r) == label:
                return r
        raise ValueError(f"label must be one of {[self.label(r) for r in self.risks]}, got {label!r}")

    def rows(self) -> list[dict]:
        """One dict per assignment: label, money at risk, each figure with its standard error."""
        names = ("any_liquidation", "total_liquidation", "expected_loss", "expected_shortfall_95",
                 "expected_shortfall_99")
        return [{"modes": self.label(r), "at_risk": r.at_risk, "liquidation_prices": prices,
                 **{k: getattr(r, k) for name in names for k in (name, f"{name}_error")}}
                for r, prices in zip(self.risks, self.liquidation_prices)]

    def summary(self) -> str:
        """A table (every simulated figure ± its standard error), the liquidation prices, the verdict."""
        legs = "; ".join(f"{leg.coin} {leg.side} {leg.leverage:g}x with {leg.backing(self.wallet):,.0f}"
                         for leg in self.legs)
        vols = ", ".join(f"{a} {v:.0%}" for a, v in zip(self.portfolio.assets, _asset_volatilities(self.portfolio)))
        jumps = "" if self.jumps is None else f"; jumps {self.jumps.rate:g} a year of mean log size {self.jumps.mean:g}"
        lines = [f"Wallet {self.wallet:,.0f}: {legs}.",
                 f"{self.n_paths:,} paths over {self.days:g} days, checked daily; volatility {vols}"
                 + _correlation_text(self.portfolio)
                 + f"; fee {self.fee_rate:.2%} a trade, funding {self.funding_rate:.3%} per 8 h{jumps}.",
                 "Figures are Monte Carlo estimates ± one standard error; 0 events means < 3/paths (95 %)."]
        for r, prices in zip(self.risks, self.liquidation_prices):
            where = ", ".join(f"{leg.coin} {_price(p)}" for leg, p in zip(self.legs, prices))
            lines.append(f"- {self.label(r)} (at risk {r.at_risk:,.0f}): liquidation at {where}")
            lines.append(f"    any liquidation {_pct(r.any_liquidation, r.any_liquidation_error, r)}, "
                         f"all legs {_pct(r.total_liquidation, r.total_liquidation_error, r)}")
            lines.append(f"    expected loss {_amount(r.expected_loss, r.expected_loss_error)}, "
                         f"ES 95 % {_amount(r.expected_shortfall_95, r.expected_shortfall_95_error)}, "
                         f"ES 99 % {_amount(r.expected_shortfall_99, r.expected_shortfall_99_error)}")
        lines.append("Verdict: " + self.verdict())
        return "\n".join(lines)

    def verdict(self) -> str:
        """The trade-off between all isolated and all cross in words, claiming only differences
        larger than two standard errors."""
        iso, cross = self.all_isolated, self.all_cross
        if len(self.legs) == 1 and iso.at_risk == cross.at_risk:
            return ("one position backed by the whole wallet: isolated and cross are the same position "
                    "(same liquidation price, same odds, same losses).")
        parts = []
        fewer = _differs(cross.any_liquidation, cross.any_liquidation_error, iso.any_liquidation,
                         iso.any_liquidation_error)
        odds = (f"any liquidation {_pct(iso.any_liquidation, iso.any_liquidation_error, iso)} isolated against "
                f"{_pct(cross.any_liquidation, cross.any_liquidation_error, cross)} cross")
        if fewer < 0 and len(self.legs) == 1:
            parts.append(f"cross backs the position with the whole free wallet ({cross.at_risk:,.0f} instead of "
                         f"{iso.at_risk:,.0f}), so it is liquidated less often ({odds})")
        elif fewer < 0:
            parts.append(f"cross lets the legs lend each other margin, so fewer books are liquidated ({odds})")
        elif fewer > 0:
            parts.append(f"isolated is liquidated less often here ({odds})")
        else:
            parts.append(f"the odds of a liquidation do not differ beyond the Monte Carlo error ({odds})")
        parts.append(f"but in cross one liquidation takes every position and the whole {cross.at_risk:,.0f} "
                     f"(everything lost {_pct(cross.total_liquidation, cross.total_liquidation_error, cross)} cross "
                     f"against {_pct(iso.total_liquidation, iso.total_liquidation_error, iso)} for all legs isolated"
                     + (f", where at most {iso.at_risk:,.0f} is at risk)" if iso.at_risk < cross.at_risk else ")"))
        worse = _differs(cross.expected_shortfall_99, cross.expected_shortfall_99_error, iso.expected_shortfall_99,
                         iso.expected_shortfall_99_error)
        tail = (f"ES 99 % {_amount(iso.expected_shortfall_99, iso.expected_shortfall_99_error)} isolated, "
                f"{_amount(cross.expected_shortfall_99, cross.expected_shortfall_99_error)} cross")
        if worse == 0:
            parts.append(f"the worst 1 % of outcomes cost the same in both ({tail})")
        else:
            parts.append(f"the worst 1 % of outcomes cost {'more in cross' if worse > 0 else 'more isolated'} ({tail})")
        loss = _differs(cross.expected_loss, cross.expected_loss_error, iso.expected_loss, iso.expected_loss_error)
        mean = (f"expected loss {_amount(iso.expected_loss, iso.expected_loss_error)} isolated, "
                f"{_amount(cross.expected_loss, cross.expected_loss_error)} cross")
        parts.append(f"on average neither mode is cheaper within the error ({mean})" if loss == 0 else
                     f"on average {'cross' if loss < 0 else 'isolated'} loses less ({mean})")
        return "; ".join(parts) + ". Choose cross for fewer liquidations, isolated to cap what one bad move can take."


def _asset_volatilities(portfolio: PortfolioSpec) -> list[float]:
    first = {leg.asset: leg for leg in reversed(portfolio.legs)}
    return [first[a].annual_volatility for a in portfolio.assets]


def _correlation_text(portfolio: PortfolioSpec) -> str:
    assets, matrix = portfolio.assets, portfolio.correlation
    pairs = [(a, b, matrix[i][j]) for i, a in enumerate(assets) for j, b in enumerate(assets) if j > i]
    if not pairs:
        return ""
    show = lambda rho: f"{rho:g}" if rho == round(rho, 2) else f"{rho:.2f}"  # noqa: E731
    if len({rho for _, _, rho in pairs}) == 1:
        return f", correlation {show(pairs[0][2])}"
    return ", correlation " + ", ".join(f"{a}-{b} {show(rho)}" for a, b, rho in pairs)


def _differs(a, ea, b, eb) -> int:
    """Sign of a − b if it is larger than two standard errors of the difference, else 0."""
    gap = a - b
    return 0 if abs(gap) <= 2.0 * math.hypot(ea, eb) else (1 if gap > 0 else -1)


def _pct(p: float, error: float, risk: BookRisk) -> str:
    if p == 0.0:
        return f"0 % (< {risk.zero_bound:.2%})"
    return f"{p:.2%} ± {error:.2%}"


def _amount(value: float, error: float) -> str:
    return f"{round(value) + 0:,.0f} ± {error:,.0f}"


def _price(p: float | None) -> str:
    return "never" if p is None else f"{p:,.2f}"


def _leg_liquidation_prices(legs, wallet, fee_rate, modes) -> tuple[float | None, ...]:
    """Each leg's liquidation price, the other coins held at their entry: isolated, its own
    collateral less the opening fee; cross, the pool less the other cross legs' maintenance."""
    backing = [leg.backing(wallet) for leg in legs]
    notional = [b * leg.leverage for b, leg in zip(backing, legs)]
    cross = [m is MarginMode.CROSS for m in modes]
    pool = wallet - sum(b for b, c in zip(backing, cross) if not c) - fee_rate * sum(
        n for n, c in zip(notional, cross) if c)
    out = []
    for i, leg in enumerate(legs):
        if cross[i]:
            others = sum(legs[j].maintenance_rate * notional[j] for j in range(len(legs)) if cross[j] and j != i)
            margin = pool - others
        else:
            margin = backing[i] - fee_rate * notional[i]
        if margin <= 0:
            raise ValueError(f"leg {i} ({leg.coin}) has no margin left after fees and the other legs' maintenance "
                             f"({margin:,.2f}): lower its leverage or raise its collateral")
        out.append(liquidation_price(leg.side, leg.entry, notional[i] / leg.entry, margin, leg.maintenance_rate))
    return tuple(out)


def own_book(
    legs: Sequence[OwnLeg],
    wallet: float,
    days: float = 30,
    *,
    volatility: Mapping[str, float] | None = None,
    correlation: float | None = None,
    fee_rate: float = DEFAULT_FEE_RATE,
    funding_rate: float = DEFAULT_FUNDING_RATE,
    jumps: Jumps | None = None,
    n_paths: int = 10_000,
    seed: int = 0,
    mixes: bool = True,
    progress: Callable[[int, int], object] | None = None,
) -> OwnBook:
    """Risk of your own book in every margin assignment, with standard errors and a verdict.

    Parameters
    ----------
    legs : sequence of OwnLeg
        1 to 4 positions; their collateral must fit in the wallet.
    wallet : float
        Wallet balance in quote currency, > 0. In cross, all of it not locked in isolated legs backs
        the cross legs; isolated legs risk only their collateral.
    days : float
        Horizon in whole days, > 0; prices are checked once a day.
    volatility : mapping coin -> annual volatility (fraction), optional
        Overrides :func:`coin_defaults` per coin (0.6 = 60 % a year).
    correlation : float, optional
        One correlation for every pair of coins, in [-1, 1]. Default: each pair's estimate from
        :func:`coin_defaults` (2024 daily closes), :data:`DEFAULT_CORRELATION` for a pair it lacks.
    fee_rate, funding_rate : float
        Taker fee per trade and funding per 8 hours (longs pay), fractions; see
        :func:`margin_lab.simulate_book.simulate_book`. Defaults: 0.05 % and 0.01 %.
    jumps : Jumps, optional
        Market-wide gaps (a jump-diffusion scenario).
    n_paths, seed : int
        Paths (>= 1000) and the seed; the same seed gives the same answer.
    mixes : bool
        True: every assignment (2^legs); False: only all isolated and all cross.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of paths (the explorer draws a bar with it).

    Returns
    -------
    OwnBook

    Notes
    -----
    No trend: every coin's price drift is μ = 0 (E[P_T] = P_0). A single position backed by the
    whole wallet is the same in both modes, so the modes differ only for two or more positions,
    or when isolated collateral leaves part of the wallet outside the position.
    Taught in lessons/06_choosing_a_mode.ipynb.

    Examples
    --------
    The learner's question: a 10x BTC long and a 5x ETH long, 1,500 USDT each of a 3,000 wallet.

    >>> book = own_book([OwnLeg("BTC", "long", 10, 1_500), OwnLeg("ETH", "long", 5, 1_500)], 3_000, n_paths=2_000)
    >>> [book.label(r) for r in book.risks]
    ['all isolated', 'BTC cross, ETH isolated', 'BTC isolated, ETH cross', 'all cross']

    Isolated, the BTC leg (notional 15,000 at 20,000) keeps 1,500 − 0.05 % · 15,000 = 1,492.50 after the
    opening fee: 20,000 · (1 − 1,492.50/15,000)/(1 − 0.005) = 18,100.50 (REFERENCE.md §1); ETH at 1,000
    with 1,496.25 of 7,500: 1,000 · (1 − 0.1995)/0.995 = 804.52.

    >>> [round(p, 2) for p in book.liquidation_prices[0]]
    [18100.5, 804.52]
    """
    legs = tuple(legs) if isinstance(legs, (list, tuple)) else ()
    if not 1 <= len(legs) <= 4 or not all(isinstance(leg, OwnLeg) for leg in legs):
        raise TypeError(f"legs must be a sequence of 1 to 4 OwnLeg, got {legs!r}")
    wallet = require_positive("wallet", wallet)
    used = sum(leg.backing(wallet) for leg in legs)
    if used > wallet * (1 + 1e-12):
        raise ValueError(f"the legs' collateral {used:,.2f} must fit in the wallet, got wallet={wallet!r}")
    days = require_positive("days", days)
    n_paths = require_count("n_paths", n_paths, minimum=1000)
    defaults = coin_defaults()
    chosen = dict(defaults.volatility)
    for coin, vol in (volatility or {}).items():
        chosen[require_text("volatility key", coin).upper()] = require_range(
            f"volatility[{coin!r}]", vol, 0.0, 5.0, hint="a fraction per year: 0.6 = 60 %")
    missing = sorted({leg.coin for leg in legs} - set(chosen))
    if missing:
        raise ValueError(f"volatility is needed for {missing}: defaults exist only for {sorted(chosen)}")
    if correlation is None:
        coins = list(dict.fromkeys(leg.coin for leg in legs))
        rho = tuple(tuple(defaults.correlation(a, b) for b in coins) for a in coins)
    else:
        rho = require_range("correlation", correlation, -1.0, 1.0)
    portfolio = PortfolioSpec(tuple(LegSpec(leg.coin, leg.side, leg.leverage, leg.backing(wallet), leg.maintenance_rate,
                                            chosen[leg.coin]) for leg in legs), correlation=rho)
    modes = None if mixes else [["isolated"] * len(legs), ["cross"] * len(legs)]
    risks = simulate_book(portfolio, wallet, modes=modes, n_paths=n_paths, days=days, fee_rate=fee_rate,
                          funding_rate=funding_rate, seed=seed, jumps=jumps, progress=progress)
    prices = tuple(_leg_liquidation_prices(legs, wallet, fee_rate, r.modes) for r in risks)
    return OwnBook(legs, wallet, days, portfolio, risks, prices, fee_rate, funding_rate, jumps, seed)


#: A stylised gap scenario for the comparison, not an estimate: about two market-wide gaps a year,
#: each a fall of about 14 % (log size −0.15 ± 0.05), on top of the diffusion; every coin gaps at once.
GAPS = Jumps(rate=2.0, mean=-0.15, std=0.05)


def two_leg_book(
    first_coin: str = "BTC",
    first_side: str = "long",
    first_leverage: float = 10,
    first_collateral: float = 1_500,
    second_coin: str = "ETH",
    second_side: str = "long",
    second_leverage: float = 5,
    second_collateral: float = 1_500,
    wallet: float = 3_000,
    days: float = 30,
    gaps: bool = False,
    *,
    n_paths: int = 10_000,
    seed: int = 0,
    progress: Callable[[int, int], object] | None = None,
) -> OwnBook:
    """:func:`own_book` for two legs given one argument each (the own-book explorer's compute).

    ``gaps=True`` adds the stylised :data:`GAPS` scenario. Two legs on the same coin are refused:
    most venues net a long and a short of one coin into one position in one-way mode.

    >>> two_leg_book(n_paths=1_000).all_cross.at_risk
    3000.0
    """
    if str(first_coin).upper() == str(second_coin).upper():
        raise ValueError(f"second_coin must differ from first_coin ({first_coin!r}): in one-way mode a venue nets "
                         f"two positions on one coin into one, got {second_coin!r}")
    legs = [OwnLeg(first_coin, first_side, first_leverage, first_collateral),
            OwnLeg(second_coin, second_side, second_leverage, second_collateral)]
    return own_book(legs, wallet, days, jumps=GAPS if gaps else None, n_paths=n_paths, seed=seed, progress=progress)


#: The example books of lesson 6, all with the same capital: (label, legs as (coin, side), correlation).
#: The hedged pair is the course's one definition: a long on one coin and a short on another coin
#: that moves with it (BTC long, ETH short, as in lesson 5), 80 % correlated.
EXAMPLE_BOOKS = {
    "one_big": ("One big BTC long", (("BTC", "long"),), 0.0),
    "unrelated": ("Three longs on unrelated coins", (("BTC", "long"), ("ETH", "long"), ("SOL", "long")), 0.0),
    "correlated": ("Three longs, 80 % correlated", (("BTC", "long"), ("ETH", "long"), ("SOL", "long")), 0.8),
    "hedged": ("Hedged pair: BTC long, ETH short", (("BTC", "long"), ("ETH", "short")), 0.8),
}


def example_book(kind: str, *, leverage: float = 5, capital: float = 3_000) -> list[OwnLeg]:
    """The legs of one of :data:`EXAMPLE_BOOKS`, the capital split equally, each at ``leverage``.

    >>> [(leg.coin, leg.side.value, leg.collateral) for leg in example_book("hedged")]
    [('BTC', 'long', 1500.0), ('ETH', 'short', 1500.0)]
    """
    if kind not in EXAMPLE_BOOKS:
        raise ValueError(f"kind must be one of {list(EXAMPLE_BOOKS)}, got {kind!r}")
    capital = require_positive("capital", capital)
    legs = EXAMPLE_BOOKS[kind][1]
    return [OwnLeg(coin, side, leverage, capital / len(legs)) for coin, side in legs]


@dataclass(frozen=True)
class BookTable:
    """Several example books, each all isolated and all cross with the same money at risk."""

    kinds: tuple[str, ...]
    books: tuple[OwnBook, ...]
    leverage: float
    annual_volatility: float

    def book(self, kind: str) -> OwnBook:
        if kind not in self.kinds:
            raise ValueError(f"kind must be one of {list(self.kinds)}, got {kind!r}")
        return self.books[self.kinds.index(kind)]

    def summary(self) -> str:
        first = self.books[0]
        lines = [f"{first.n_paths:,} paths of {first.days:g} days (checked daily), {self.leverage:g}x, "
                 f"{self.annual_volatility:.0%} volatility a year, no trend; the same {first.wallet:,.0f} "
                 f"at risk in both modes; fee {first.fee_rate:.2%}, funding {first.funding_rate:.3%} per 8 h"
                 + ("" if first.jumps is None else "; with gaps") + ".",
                 "Each figure ± one standard error; 0 % means no path (< 3/paths at 95 %)."]
        for kind, book in zip(self.kinds, self.books):
            lines.append(f"{EXAMPLE_BOOKS[kind][0]}:")
            for r in (book.all_isolated, book.all_cross):
                lines.append(f"  {r.label:13} any liquidation {_pct(r.any_liquidation, r.any_liquidation_error, r)}; "
                             f"all lost {_pct(r.total_liquidation, r.total_liquidation_error, r)}; "
                             f"expected loss {_amount(r.expected_loss, r.expected_loss_error)}; "
                             f"ES 95 % {_amount(r.expected_shortfall_95, r.expected_shortfall_95_error)}; "
                             f"ES 99 % {_amount(r.expected_shortfall_99, r.expected_shortfall_99_error)}")
        return "\n".join(lines)


def book_table(kinds: Sequence[str] = tuple(EXAMPLE_BOOKS), *, leverage: float = 5, annual_volatility: float = 0.6,
               days: float = 30, capital: float = 3_000, jumps: Jumps | None = None, n_paths: int = 10_000,
               seed: int = 6) -> BookTable:
    """:func:`own_book` for each example book, all legs at ``leverage`` and ``annual_volatility``,
    the wallet equal to the capital (so both modes put the same money at risk), fees and funding on.

    >>> table = book_table(("one_big", "hedged"), n_paths=2_000)
    >>> table.book("hedged").all_cross.any_liquidation < table.book("hedged").all_isolated.any_liquidation
    True
    """
    kinds = tuple(kinds)
    books = []
    for kind in kinds:
        legs = example_book(kind, leverage=leverage, capital=capital)
        volatility = dict.fromkeys((leg.coin for leg in legs), annual_volatility)
        books.append(own_book(legs, capital, days, volatility=volatility,
                              correlation=EXAMPLE_BOOKS[kind][2], jumps=jumps, n_paths=n_paths, seed=seed, mixes=False))
    return BookTable(kinds, tuple(books), float(leverage), float(annual_volatility))
