"""Compute step of the lesson 1 and 2 figures: one position, frozen results with ``.summary()``.

Each function validates, calls the formulas of :mod:`margin_lab.margin`, and returns a frozen
result that :mod:`margin_lab.plots.position` draws and the explorers of
:mod:`margin_lab.widgets.position` show. No formula is restated here. Lesson 3's liquidation
path is in :mod:`margin_lab.studies.liquidation`.

The position is opened with its initial margin as collateral: M = Q·EP / L. Lessons 1 and 3 fix
the position (1 BTC at 20,000 by default) and let the leverage set the collateral, which is how
an order form works: the same position at a higher leverage is backed by less money, so the same
price move leaves less equity and the liquidation price comes closer to the entry, while the
P&L of a given move does not change. Lesson 2 starts from the money instead: the collateral the
trader allocates times the leverage gives the position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import (
    require_choice,
    require_count,
    require_fraction,
    require_positive,
    require_range,
    require_text,
)
from .._checks import require_fee_rate, require_rate_below_initial
from ..margin import (
    _pnl_kernel,
    bankruptcy_price,
    checked_position,
    initial_margin,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_level,
    margin_ratio,
    unrealized_pnl,
)
from ..model import Side
from ..text import amount, number, percent, price, quantity, signed_amount

__all__ = ["EquityCurve", "equity_curve", "IsolatedAllocation", "isolated_allocation"]


def _direction(side: Side) -> str:
    return "below" if side is Side.LONG else "above"


# ---------------------------------------------------------------------------------------------
# Lesson 1: equity against the mark price.


@dataclass(frozen=True)
class EquityCurve:
    """One isolated position's equity at every mark price, and where it stands now.

    Amounts in quote currency, prices in quote per base unit, rates as fractions; ``prices``,
    ``equities`` and ``requirements`` (maintenance margin) are the curve the figure draws.
    """

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    maintenance_rate: float
    mark_price: float
    unrealized_pnl: float
    equity: float
    maintenance_margin: float
    margin_level: float
    margin_ratio: float
    liquidation_price: float | None
    bankruptcy_price: float | None
    prices: tuple[float, ...]
    equities: tuple[float, ...]
    requirements: tuple[float, ...]
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def past_liquidation(self) -> bool:
        """True when the mark has crossed the liquidation price (a venue would have closed it)."""
        if self.liquidation_price is None:
            return False
        return self.side.sign * (self.mark_price - self.liquidation_price) <= 0

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        ratio = "infinite (equity is gone)" if self.margin_ratio == float("inf") else percent(self.margin_ratio)
        lines = [
            f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} {q} "
            f"with {self.leverage:g}x leverage: collateral {amount(self.collateral, q)} (the initial margin).",
            f"At a mark of {price(self.mark_price)}: unrealised P&L {signed_amount(self.unrealized_pnl, q)}, "
            f"equity {amount(self.equity, q)}, maintenance margin {amount(self.maintenance_margin, q)}.",
            f"Margin level (equity / maintenance margin, OKX style) {percent(self.margin_level)}; "
            f"margin ratio (maintenance margin / equity, Binance style) {ratio}. "
            "Liquidation comes when the level falls to 100 % or the ratio rises to 100 %.",
        ]
        if self.liquidation_price is None:
            lines.append("No price liquidates this position: it is backed by its whole value.")
        elif self.past_liquidation:
            lines.append(
                f"The mark is past the liquidation price {price(self.liquidation_price)}: a venue would "
                f"already have closed this position (bankruptcy at {price(self.bankruptcy_price)})."
            )
        else:
            away = liquidation_distance(self.side, self.mark_price, self.liquidation_price)
            lines.append(
                f"Liquidation at {price(self.liquidation_price)} "
                f"({percent(away)} {_direction(self.side)} the mark), "
                f"bankruptcy at {price(self.bankruptcy_price)}."
            )
        return "\n".join(lines)


def equity_curve(
    side: str | Side = "long",
    *,
    leverage: float,
    mark_price: float,
    entry_price: float = 20_000,
    size: float = 1,
    maintenance_rate: float = 0.005,
    price_span: float = 0.25,
    points: int = 201,
    base: str = "BTC",
    quote: str = "USDT",
) -> EquityCurve:
    """Equity and margin level of one isolated position opened with its initial margin.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        > 0; the collateral is the initial margin Q·EP / L.
    mark_price : float
        The current mark price, quote per base unit, > 0.
    entry_price : float
        Quote per base unit, > 0.
    size : float
        Base units, > 0.
    maintenance_rate : float
        Fraction in (0, 1/leverage), charged on the value at the mark.
    price_span : float
        The curve covers entry × (1 ± price_span), in (0, 1), widened to show the mark and the
        liquidation and bankruptcy prices.
    points : int
        Points on the curve, >= 2.
    base, quote : str
        Currency names for labels.

    Returns
    -------
    EquityCurve

    Notes
    -----
    Equity = M + s·Q·(P − EP); maintenance margin = r·Q·P; margin level = equity / maintenance
    margin and margin ratio = its inverse (REFERENCE.md §1, §4). Taught in
    lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    REFERENCE.md §1 (the one formula), §4 ("Margin ratio 80 % is safe").

    Examples
    --------
    The 10x long of REFERENCE.md: 1 BTC at 20,000 with 2,000 collateral, 0.5 % maintenance:

    >>> curve = equity_curve("long", leverage=10, mark_price=19_000)
    >>> curve.collateral, curve.equity, round(curve.liquidation_price, 2), curve.bankruptcy_price
    (2000.0, 1000.0, 18090.45, 18000.0)
    >>> round(curve.margin_level, 4)  # 1,000 / (0.005 × 19,000)
    10.5263
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    leverage = require_positive("leverage", leverage)
    mark_price = require_positive("mark_price", mark_price)
    rate = require_range("maintenance_rate", maintenance_rate, 0, 1, low_open=True, high_open=True,
                         hint="a fraction, 0.005 = 0.5 %; 0 leaves no margin level to show")
    require_rate_below_initial(rate, leverage)
    span = require_range("price_span", price_span, 0, 1, low_open=True, high_open=True)
    points = require_count("points", points, minimum=2)
    base, quote = require_text("base", base), require_text("quote", quote)

    collateral = initial_margin(size, entry_price, leverage)
    pnl = unrealized_pnl(side, size, entry_price, mark_price)
    equity = collateral + pnl
    requirement = maintenance_margin(size, mark_price, rate)
    liquidation = liquidation_price(side, entry_price, size, collateral, rate)
    bankruptcy = bankruptcy_price(side, entry_price, size, collateral)
    shown = [entry_price * (1 - span), entry_price * (1 + span), mark_price]
    shown += [0.97 * p for p in (liquidation, bankruptcy) if p is not None]
    shown += [1.03 * p for p in (liquidation, bankruptcy) if p is not None]
    prices = np.linspace(min(shown), max(shown), points)
    equities = collateral + _pnl_kernel(side.sign, size, entry_price, prices)
    return EquityCurve(
        side=side,
        entry_price=entry_price,
        size=size,
        leverage=leverage,
        collateral=collateral,
        maintenance_rate=rate,
        mark_price=mark_price,
        unrealized_pnl=pnl,
        equity=equity,
        maintenance_margin=requirement,
        margin_level=margin_level(equity, requirement),
        margin_ratio=margin_ratio(equity, requirement),
        liquidation_price=liquidation,
        bankruptcy_price=bankruptcy,
        prices=tuple(float(p) for p in prices),
        equities=tuple(float(e) for e in equities),
        requirements=tuple(maintenance_margin(size, float(p), rate) for p in prices),
        base=base,
        quote=quote,
    )


# ---------------------------------------------------------------------------------------------
# Lesson 2: what an isolated position puts at risk.


@dataclass(frozen=True)
class IsolatedAllocation:
    """A wallet split by opening one isolated position: what is at risk and what is not."""

    side: Side
    balance: float
    collateral: float
    leverage: float
    entry_price: float
    size: float
    notional: float
    fee_rate: float
    opening_fee: float
    maintenance_rate: float
    liquidation_price: float | None
    cushion: float
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def at_risk(self) -> float:
        """The most this position can cost: its collateral plus the opening fee."""
        return self.collateral + self.opening_fee

    @property
    def not_at_risk(self) -> float:
        """What stays in the wallet whatever the price does."""
        return self.balance - self.at_risk

    @property
    def loss_before_liquidation(self) -> float:
        """Collateral the price move eats before the liquidation price is reached."""
        return self.collateral - self.cushion

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        lines = [
            f"Wallet {amount(self.balance, q)}. Allocating {amount(self.collateral, q)} of collateral at "
            f"{self.leverage:g}x opens a {self.side.value} of {quantity(self.size)} {self.base} "
            f"({amount(self.notional, q)}) at {price(self.entry_price)}.",
            f"At risk: {amount(self.at_risk, q)} = the collateral {number(self.collateral)} + the opening fee "
            f"{number(self.opening_fee)} ({percent(self.fee_rate, 3)} of the position's value).",
            f"Not at risk: {amount(self.not_at_risk, q)} stays in the wallet whatever the price does.",
        ]
        if self.liquidation_price is None:
            lines.append(
                "No price liquidates this position; if the price went to zero the whole collateral would be lost."
            )
        else:
            away = liquidation_distance(self.side, self.entry_price, self.liquidation_price)
            lines.append(
                f"Liquidation at {price(self.liquidation_price)} ({percent(away)} {_direction(self.side)} entry), "
                f"with {amount(self.cushion, q)} of maintenance cushion left: forfeited where the venue closes "
                "at the bankruptcy price (BitMEX, Bybit), returned on Kraken derivatives."
            )
        return "\n".join(lines)


def isolated_allocation(
    balance: float,
    collateral: float,
    leverage: float,
    *,
    side: str | Side = "long",
    entry_price: float = 20_000,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0005,
    base: str = "BTC",
    quote: str = "USDT",
) -> IsolatedAllocation:
    """Split a wallet into what one isolated position puts at risk and what it does not.

    Parameters
    ----------
    balance : float
        Wallet balance before opening, quote currency, > 0.
    collateral : float
        Isolated margin allocated to the position, quote currency, > 0; with the opening fee
        at most ``balance``.
    leverage : float
        > 0; the position's value is collateral × leverage.
    side : "long" or "short"
    entry_price : float
        Quote per base unit, > 0.
    maintenance_rate : float
        Fraction in [0, 1/leverage), charged on the value at the mark.
    fee_rate : float
        Taker fee paid from the wallet on opening, a fraction of the position's value in [0, 0.01];
        the fee for closing counts in the requirement, as in :class:`margin_lab.Account`.

    Notes
    -----
    At risk = M + fee·Q·EP: an isolated liquidation loses at most the collateral and the fee
    is already paid; the rest of the wallet is untouched (REFERENCE.md §3, "only the isolated
    amount is at risk": right, plus fees). The cushion is the equity left at the liquidation
    price, (r + fee)·Q·P_liq. Fees follow :class:`margin_lab.Account`: opening pays the taker fee,
    liquidation none. Taught in lessons/02_isolated_setup.ipynb.

    References
    ----------
    REFERENCE.md §1, §2 (cushion forfeited or returned), §3.

    Examples
    --------
    >>> a = isolated_allocation(10_000, 2_000, 10)
    >>> a.size, a.opening_fee, a.at_risk, a.not_at_risk
    (1.0, 10.0, 2010.0, 7990.0)
    >>> round(a.liquidation_price, 2), round(a.cushion, 2)
    (18099.55, 99.55)
    """
    side = require_choice("side", side, Side)
    balance = require_positive("balance", balance)
    collateral = require_positive("collateral", collateral)
    leverage = require_positive("leverage", leverage)
    entry_price = require_positive("entry_price", entry_price)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    fee = require_fee_rate("fee_rate", fee_rate)
    require_rate_below_initial(rate, leverage, fee)
    base, quote = require_text("base", base), require_text("quote", quote)

    value = collateral * leverage
    size = value / entry_price
    opening_fee = fee * value
    if collateral + opening_fee > balance:
        most = balance / (1 + fee * leverage)
        raise ValueError(
            f"collateral must be <= balance / (1 + fee_rate × leverage) = {most:,.2f} {quote} (the wallet "
            f"pays the collateral and the {percent(fee, 3)} opening fee on {leverage:g}x its size), got "
            f"{collateral!r}: allocate less or lower the leverage"
        )
    liquidation = liquidation_price(side, entry_price, size, collateral, rate, fee_rate=fee)  # as the Account
    cushion = 0.0 if liquidation is None else maintenance_margin(size, liquidation, rate) + fee * size * liquidation
    return IsolatedAllocation(
        side=side,
        balance=balance,
        collateral=collateral,
        leverage=leverage,
        entry_price=entry_price,
        size=size,
        notional=value,
        fee_rate=fee,
        opening_fee=opening_fee,
        maintenance_rate=rate,
        liquidation_price=liquidation,
        cushion=cushion,
        base=base,
        quote=quote,
    )

