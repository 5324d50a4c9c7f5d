"""Pure margin formulas for linear contracts with quote-currency collateral.

Each public function validates its input, then calls a private kernel that also works on
NumPy arrays; :mod:`margin_lab.simulate` reuses the kernels over thousands of paths, so each
formula exists exactly once.

Notation (REFERENCE.md §0): ``s`` = +1 long / -1 short, ``Q`` = size, ``EP`` = entry price,
``P`` = mark price, ``M`` = collateral, ``r`` = maintenance rate, ``cum`` = maintenance amount.
"""

from __future__ import annotations

import math

from ._checks import (
    require_choice,
    require_fee_rate,
    require_fraction,
    require_margin_level,
    require_non_negative,
    require_number,
    require_opens_before_liquidation,
    require_positive,
    require_range,
)
from .model import Basis, Side

__all__ = [
    "notional",
    "initial_margin",
    "maintenance_margin",
    "unrealized_pnl",
    "position_equity",
    "effective_leverage",
    "margin_level",
    "margin_ratio",
    "liquidation_distance",
    "liquidation_price",
    "bankruptcy_price",
    "margin_level_price",
    "collateral_to_survive",
    "funding_payment",
    "backstop_price",
    "cross_collateral",
]


# ---------------------------------------------------------------------------------------------
# Kernels: no validation, float or ndarray in, same out. Used by the public functions below and
# by simulate.py on arrays.


def _pnl_kernel(sign, size, entry_price, mark_price):
    return sign * size * (mark_price - entry_price)


def _liquidation_price_kernel(sign, entry_price, size, collateral, rate, amount, fee_rate, entry_basis):
    """Price where equity M + s·Q·(P − EP) meets the requirement (REFERENCE.md §1).

    Mark basis: requirement = (r + fee)·Q·P − cum
        P = (EP − s·(M + cum)/Q) / (1 − s·(r + fee))
    Entry basis: requirement = r·Q·EP − cum + fee·Q·P
        P = (EP + s·r·EP − s·(M + cum)/Q) / (1 − s·fee)
    """
    if entry_basis:
        return (entry_price + sign * rate * entry_price - sign * (collateral + amount) / size) / (
            1 - sign * fee_rate
        )
    return (entry_price - sign * (collateral + amount) / size) / (1 - sign * (rate + fee_rate))


def _bankruptcy_price_kernel(sign, entry_price, size, collateral):
    return entry_price - sign * collateral / size


def _funding_kernel(sign, rate, size, mark_price):
    """What one funding payment takes from the position: s·rate·Q·P (negative: it receives)."""
    return sign * rate * size * mark_price


def _cross_collateral_kernel(balance, other_pnls, other_maintenances):
    """M of one cross position: WB + Σ other uPnL − Σ other MM (exactly rounded sums)."""
    return balance + math.fsum(other_pnls) - math.fsum(other_maintenances)


def _margin_level_kernel(equity, requirement):
    """Equity / requirement; ±inf when nothing is required (only a negative equity is below it)."""
    if requirement > 0:
        return equity / requirement
    return math.inf if equity >= 0 else -math.inf


# A computed price at or below this fraction of the entry price is zero up to float rounding: a 1x
# long has EP − M/Q = 0 exactly, but M = Q·EP computed in floating point leaves a few units in the
# last place of EP (3.7e-12 for 3.40983 BTC at 20,000), which no market reaches. Rounding is of
# order 1e-16 × EP, so the margin is wide; a real price this low would be a leverage of 1 + 1e-12.
_ZERO_PRICE = 1e-12


def _positive_or_none(price: float, entry_price: float = 0.0) -> float | None:
    """``price`` as a float, or None when no positive price: at or below zero or, given the entry
    price, at or below ``_ZERO_PRICE`` × entry_price (float rounding of a zero)."""
    return float(price) if price > _ZERO_PRICE * entry_price else None


# ---------------------------------------------------------------------------------------------
# Public formulas.


def notional(size: float, price: float) -> float:
    """Position value in quote currency: size × price.

    Parameters
    ----------
    size : float
        Base units, > 0.
    price : float
        Quote per base unit, > 0.

    Notes
    -----
    Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    REFERENCE.md §0 (Q·P).

    Examples
    --------
    >>> notional(size=1, price=20_000)
    20000.0
    """
    return require_positive("size", size) * require_positive("price", price)


def initial_margin(size: float, entry_price: float, leverage: float) -> float:
    """Initial margin IM = Q·EP / L, in quote currency.

    Parameters
    ----------
    size : float
        Base units, > 0.
    entry_price : float
        Quote per base unit, > 0.
    leverage : float
        > 0 (the venue's maximum is checked where a venue is known).

    Notes
    -----
    Taught in lessons/01_margin_leverage_equity.ipynb.

    References
    ----------
    REFERENCE.md §0; Bybit "Liquidation Price (USDT Contract)": 1 BTC at 20,000 with 50x
    needs 400 USDT.

    Examples
    --------
    >>> initial_margin(size=1, entry_price=20_000, leverage=50)
    400.0
    """
    size = require_positive("size", size)
    entry_price = require_positive("entry_price", entry_price)
    leverage = require_positive("leverage", leverage)
    return size * entry_price / leverage


def maintenance_margin(
    size: float, price: float, maintenance_rate: float, maintenance_amount: float = 0.0
) -> float:
    """Maintenance margin MM = Q·P·r − cum, in quote currency.

    Parameters
    ----------
    size : float
        Base units, > 0.
    price : float
        The mark price (Binance, Hyperliquid) or the entry price (Bybit USDT isolated,
        BitMEX examples), quote per base unit, > 0.
    maintenance_rate : float
        Fraction in [0, 1) (0.005 = 0.5 %).
    maintenance_amount : float
        The tier's deduction ``cum`` in quote currency, >= 0.

    Raises
    ------
    ValueError
        If the amount exceeds Q·P·r (a negative requirement).

    References
    ----------
    REFERENCE.md §0 and §1; Bybit help: 1 BTC at 20,000 with 0.5 % → 100 USDT.

    Examples
    --------
    >>> maintenance_margin(size=1, price=20_000, maintenance_rate=0.005)
    100.0
    """
    size = require_positive("size", size)
    price = require_positive("price", price)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    amount = require_non_negative("maintenance_amount", maintenance_amount)
    requirement = size * price * rate - amount
    if requirement < -1e-9 * max(1.0, amount):
        raise ValueError(
            f"maintenance_amount must be <= size·price·maintenance_rate = {size * price * rate:g}, "
            f"got {maintenance_amount!r} (use the amount of the tier this notional falls in)"
        )
    return max(requirement, 0.0)


def checked_position(side: object, entry_price: object, size: object, *, size_name: str = "size",
                     size_hint: str | None = None, price_hint: str | None = None) -> tuple[Side, float, float]:
    """The arguments every one-position formula checks first: ``side`` as a :class:`Side`, then
    ``entry_price`` and ``size`` (named ``size_name``: "size_usd" for an inverse contract) > 0.

    >>> checked_position("short", 20_000, 1)
    (<Side.SHORT: 'short'>, 20000.0, 1.0)
    """
    side = require_choice("side", side, Side)
    entry_price = require_positive("entry_price", entry_price, hint=price_hint)
    return side, entry_price, require_positive(size_name, size, hint=size_hint)


def unrealized_pnl(side: str | Side, size: float, entry_price: float, mark_price: float) -> float:
    """Unrealised P&L = s·Q·(P − EP), in quote currency.

    References
    ----------
    REFERENCE.md §1 (equity M + s·Q·(P − EP)).

    Examples
    --------
    A 1 BTC long from 20,000 marked at 19,000 has lost 1,000; the short mirror has gained it:

    >>> unrealized_pnl("long", size=1, entry_price=20_000, mark_price=19_000)
    -1000.0
    >>> unrealized_pnl("short", size=1, entry_price=20_000, mark_price=19_000)
    1000.0
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    mark_price = require_positive("mark_price", mark_price)
    return float(_pnl_kernel(side.sign, size, entry_price, mark_price))


def position_equity(
    side: str | Side, size: float, entry_price: float, mark_price: float, collateral: float
) -> float:
    """Equity of an isolated position: collateral + unrealised P&L, in quote currency.

    May be negative when the price has gapped past the bankruptcy price.

    References
    ----------
    REFERENCE.md §1.

    Examples
    --------
    >>> position_equity("long", size=1, entry_price=20_000, mark_price=19_700, collateral=400)
    100.0
    """
    collateral = require_non_negative("collateral", collateral)
    return collateral + unrealized_pnl(side, size, entry_price, mark_price)


def effective_leverage(size: float, mark_price: float, equity: float) -> float:
    """Leverage actually carried: notional at the mark / equity (dimensionless).

    Raises
    ------
    ValueError
        If equity <= 0 (leverage is undefined once the position is bankrupt).

    References
    ----------
    REFERENCE.md §0 (IM = Q·EP / L, read backwards).

    Examples
    --------
    A 1 BTC position with 2,000 of equity at 20,000 carries 10x:

    >>> effective_leverage(size=1, mark_price=20_000, equity=2_000)
    10.0
    """
    size = require_positive("size", size)
    mark_price = require_positive("mark_price", mark_price)
    equity = require_positive("equity", equity, hint="leverage is undefined once equity is gone")
    return size * mark_price / equity


def margin_level(equity: float, requirement: float) -> float:
    """Margin level = equity / requirement (ratio: 2.5 = 250 %).

    The convention Kraken (spot: requirement = used margin; liquidation near 40 %) and OKX
    ("margin ratio", requirement = maintenance margin plus fees; liquidation at 100 %) display.
    Falling is bad. Its inverse is :func:`margin_ratio`.

    Parameters
    ----------
    equity : float
        Quote currency, any finite value (negative after a gap).
    requirement : float
        Quote currency, >= 0. With nothing required (a 0 % maintenance rate) the level is
        +inf, or −inf once equity is negative: the account engine liquidates at a level below 1
        and uses this same rule.

    References
    ----------
    Kraken support 203053116 ("margin level = equity / used margin × 100 %"); OKX help
    6997123251341; REFERENCE.md §1 (Kraken margin-call example: 10,000 / 4,000 = 250 %).

    Examples
    --------
    >>> margin_level(equity=10_000, requirement=4_000)
    2.5
    >>> margin_level(equity=50, requirement=0), margin_level(equity=-1, requirement=0)
    (inf, -inf)
    """
    equity = require_number("equity", equity)
    requirement = require_non_negative("requirement", requirement)
    return _margin_level_kernel(equity, requirement)


def margin_ratio(equity: float, requirement: float) -> float:
    """Margin ratio = requirement / equity (ratio: 1.0 = 100 % = liquidation).

    The convention Binance and Bybit display ("maintenance margin / margin balance"): rising
    is bad. Returns ``math.inf`` when equity <= 0 (the requirement can no longer be met).

    References
    ----------
    Binance USDⓈ-M FAQ (margin ratio); REFERENCE.md §4 ("venues define the ratio in opposite
    directions").

    Examples
    --------
    >>> margin_ratio(equity=400, requirement=100)
    0.25
    >>> margin_ratio(equity=-5, requirement=100)
    inf
    """
    equity = require_number("equity", equity)
    requirement = require_positive("requirement", requirement)
    return requirement / equity if equity > 0 else math.inf


def liquidation_distance(side: str | Side, mark_price: float, liquidation_price: float | None) -> float:
    """How far the price can move against the position before liquidation, as a fraction.

    Long: (P − P_liq) / P; short: (P_liq − P) / P. Negative when the mark is already past
    the liquidation price. ``None`` for the liquidation price (no price can liquidate) gives
    1.0 for a long (the price would have to fall 100 %) and is refused for a short.

    References
    ----------
    REFERENCE.md §4: "10x means liquidation after a 10 % move" is wrong; the distance is about
    1/L − MMR (50x with 0.5 % maintenance: 1.5 %).

    Examples
    --------
    >>> round(liquidation_distance("long", mark_price=20_000, liquidation_price=19_700), 4)
    0.015
    """
    side = require_choice("side", side, Side)
    mark_price = require_positive("mark_price", mark_price)
    if liquidation_price is None:
        if side is Side.SHORT:
            raise ValueError("liquidation_price must be a price > 0 for a short, got None")
        return 1.0
    liquidation_price = require_positive("liquidation_price", liquidation_price)
    return side.sign * (mark_price - liquidation_price) / mark_price


def liquidation_price(
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    maintenance_rate: float,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
) -> float | None:
    """Liquidation price of one linear position, in quote per base unit; ``None`` if none.

    Parameters
    ----------
    side : "long" or "short"
    entry_price : float
        Average entry price EP, > 0.
    size : float
        Q in base units, > 0.
    collateral : float
        M in quote currency, > 0: the isolated margin, or for cross the wallet minus the
        other positions' maintenance margin plus their unrealised P&L. A position with no
        collateral left is already bankrupt: there is no price to compute.
    maintenance_rate : float
        r, a fraction in [0, 1) (0.005 = 0.5 %).
    maintenance_amount : float
        The tier's deduction ``cum`` in quote currency, >= 0.
    fee_rate : float
        Taker fee rate charged on closing, a fraction in [0, 0.01] (0.0005 = 0.05 %; more is taken
        for a percent typed as a fraction); with ``basis="mark"`` it adds to the rate (Gate's
        convention), so it pulls the liquidation price toward the entry.
    basis : "mark" or "entry"
        Charge maintenance on the value at the liquidation price (Binance, Hyperliquid) or on
        the entry value (Bybit USDT isolated, BitMEX examples).

    Returns
    -------
    float or None
        The mark price at which equity equals the maintenance requirement. ``None`` when that
        price would be <= 0: no price can liquidate the position (Binance shows "--").

    Raises
    ------
    ValueError, TypeError
        For an unknown side or basis, a non-positive size, price or collateral,
        NaN/inf anywhere, a rate outside [0, 1), a fee above 1 %, or a position that would open
        at or past its own liquidation price: collateral at or below (r + fee)·Q·EP − cum, the
        requirement at entry (usually a percent typed as a fraction, ``maintenance_rate=0.5``).

    Notes
    -----
    Mark basis (REFERENCE.md §1): equity M + s·Q·(P − EP) = (r + fee)·Q·P − cum gives

        P_liq = (EP − s·(M + cum)/Q) / (1 − s·(r + fee))

    Entry basis: M + s·Q·(P − EP) = r·Q·EP − cum + fee·Q·P gives

        P_liq = (EP + s·r·EP − s·(M + cum)/Q) / (1 − s·fee)

    which with no fee and no amount is Bybit's EP − s·(M − r·Q·EP)/Q.
    Taught in lessons/03_liquidation_mechanics.ipynb.

    References
    ----------
    Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts"; Bybit help
    "Liquidation Price (USDT Contract)"; Hyperliquid docs trading/liquidations; Gate help
    futures 27724; REFERENCE.md §1.

    Examples
    --------
    Bybit, USDT isolated: long 1 BTC at 20,000, 50x (400 collateral), 0.5 % on the entry value:

    >>> liquidation_price("long", entry_price=20_000, size=1, collateral=400,
    ...                   maintenance_rate=0.005, basis="entry")
    19700.0

    Binance one-way, isolated reading: ETHUSDT long, tier with 10 % and cum 135,365:

    >>> round(liquidation_price("long", entry_price=1456.84, size=3683.979, collateral=1_535_443.01,
    ...                         maintenance_rate=0.10, maintenance_amount=135_365), 2)
    1114.78

    A 10x long of 1 BTC at 20,000 with 2,000 collateral and a 0.5 % rate at the mark:

    >>> round(liquidation_price("long", 20_000, 1, 2_000, 0.005), 2)
    18090.45

    A 0.05 % closing fee counted in the requirement moves it toward the entry (lesson 03):

    >>> round(liquidation_price("long", 20_000, 1, 2_000, 0.005, fee_rate=0.0005), 2)
    18099.55

    A 1x long cannot be liquidated by price:

    >>> liquidation_price("long", entry_price=100, size=1, collateral=100, maintenance_rate=0.01) is None
    True
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    amount = require_non_negative("maintenance_amount", maintenance_amount)
    fee = require_fee_rate("fee_rate", fee_rate)
    if rate + fee >= 1:
        raise ValueError(
            f"maintenance_rate + fee_rate must be < 1, got {rate!r} + {fee!r} (rates are fractions)"
        )
    require_opens_before_liquidation(collateral=collateral, notional=size * entry_price, maintenance_rate=rate,
                                     maintenance_amount=amount, fee_rate=fee, blame="collateral")
    price = _liquidation_price_kernel(
        side.sign, entry_price, size, collateral, rate, amount, fee, basis is Basis.ENTRY
    )
    return _positive_or_none(price, entry_price)


def bankruptcy_price(side: str | Side, entry_price: float, size: float, collateral: float) -> float | None:
    """Price at which the position's equity is exactly zero: P_bk = EP − s·M/Q.

    ``None`` when that price would be <= 0 (a long backed by its whole notional).

    Notes
    -----
    Between the liquidation and the bankruptcy price lies the maintenance cushion: BitMEX and
    Bybit close the position at the bankruptcy price, so the cushion is lost.
    Taught in lessons/03_liquidation_mechanics.ipynb.

    References
    ----------
    REFERENCE.md §1; bitmex.com/app/liquidation.

    Examples
    --------
    >>> bankruptcy_price("long", entry_price=20_000, size=1, collateral=400)
    19600.0
    >>> bankruptcy_price("short", entry_price=20_000, size=1, collateral=400)
    20400.0

    BitMEX cross: a 10,000 USDT wallet backing a long of 20 ETH at 1,000 (liquidation at 510 on
    the entry basis with 1 % maintenance):

    >>> bankruptcy_price("long", entry_price=1_000, size=20, collateral=10_000)
    500.0
    >>> liquidation_price("long", 1_000, 20, 10_000, maintenance_rate=0.01, basis="entry")
    510.0
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    collateral = require_positive("collateral", collateral)
    return _positive_or_none(_bankruptcy_price_kernel(side.sign, entry_price, size, collateral), entry_price)


def margin_level_price(
    side: str | Side,
    entry_price: float,
    size: float,
    balance: float,
    leverage: float,
    threshold: float,
) -> float | None:
    """Kraken spot margin: the price at which the margin level reaches ``threshold``.

    Margin level = equity / used margin with equity = balance + P/L. For a long the used margin
    is the position cost / leverage, fixed at entry; a short's used margin is held in the
    borrowed asset, so it is Q·P / leverage and rises with the price (Kraken 203053116).

    Parameters
    ----------
    balance : float
        Total account balance in quote currency before the P/L, > 0.
    leverage : float
        In (0, 5] for Kraken spot margin.
    threshold : float
        The margin level as a ratio in (0, 10]: 0.8 for the margin call, 0.4 for automatic
        liquidation (80 is refused: a percentage).

    Returns
    -------
    float or None
        Long: EP + (threshold·Q·EP/L − balance)/Q. Short: (balance + Q·EP)/(Q·(1 + threshold/L)).
        ``None`` when the price would be <= 0.

    Raises
    ------
    ValueError
        A threshold outside (0, 10] (80 is a percentage), or at or above the margin level at
        entry, balance / (Q·EP/L): the price would lie on the wrong side of the entry.

    References
    ----------
    Kraken support 203325763, 203053116, 203053156; REFERENCE.md §1 (Kraken margin-call
    example) and §2.

    Examples
    --------
    Long 1 BTC at 20,000 with 5x on a 10,000 USD balance: used margin 4,000, level 250 %; the
    80 % margin call comes at equity 3,200, a P/L of −6,800:

    >>> margin_level_price("long", entry_price=20_000, size=1, balance=10_000, leverage=5, threshold=0.8)
    13200.0
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    balance = require_positive("balance", balance)
    leverage = require_positive("leverage", leverage)
    threshold = require_margin_level("threshold", threshold)
    at_entry = balance / (size * entry_price / leverage)
    if threshold >= at_entry:
        raise ValueError(f"threshold must be below the margin level at entry, balance / used margin = {at_entry:.4g}, "
                         f"got {threshold!r}: the position would open at or past that level (a ratio: 0.8 = 80 %)")
    if side is Side.LONG:
        price = entry_price + (threshold * size * entry_price / leverage - balance) / size
    else:
        price = (balance + size * entry_price) / (size * (1 + threshold / leverage))
    return _positive_or_none(price, entry_price)


def collateral_to_survive(
    side: str | Side,
    entry_price: float,
    size: float,
    survive_price: float,
    maintenance_rate: float,
    *,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
) -> float:
    """The collateral that puts an isolated position's liquidation price exactly at ``survive_price``.

    Parameters
    ----------
    side : "long" or "short"
    entry_price, size : float
        EP in quote per base unit and Q in base units, > 0.
    survive_price : float
        The worst mark price the position must live through, quote per base unit, > 0.
    maintenance_rate, fee_rate : float
        Fractions in [0, 1), charged on the value at the mark (Gate's convention for the fee).
    maintenance_amount : float
        The tier's deduction ``cum``, quote currency, >= 0.

    Returns
    -------
    float
        M in quote currency; 0 when no collateral is needed (the price is on the profitable side).
        Any collateral at least this large keeps the position open at ``survive_price``.

    Notes
    -----
    Solving REFERENCE.md §1, P_liq = (EP − s·(M + cum)/Q) / (1 − s·(r + f)), for M with
    P_liq = P:

        M = s·Q·(EP − P·(1 − s·(r + f))) − cum

    Taught in lessons/04_managing_isolated.ipynb ("how much margin to add to survive a 15 % drop").

    References
    ----------
    REFERENCE.md §1 (the one formula for linear contracts).

    Examples
    --------
    A 10x long of 1 BTC at 20,000 (2,000 collateral, 0.5 %) liquidates at 18,090.45. To live
    through a 15 % drop to 17,000 it needs 20,000 − 17,000 × 0.995 = 3,085 of collateral:

    >>> collateral_to_survive("long", 20_000, 1, survive_price=17_000, maintenance_rate=0.005)
    3085.0
    >>> round(liquidation_price("long", 20_000, 1, 3_085, 0.005), 2)
    17000.0
    >>> round(collateral_to_survive("short", 20_000, 1, survive_price=23_000, maintenance_rate=0.005), 2)
    3115.0
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    survive = require_positive("survive_price", survive_price)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    cum = require_non_negative("maintenance_amount", maintenance_amount)
    fee = require_fee_rate("fee_rate", fee_rate)
    s = side.sign
    needed = s * size * (entry_price - survive * (1 - s * (rate + fee))) - cum
    return max(0.0, needed)


def funding_payment(side: str | Side, size: float, mark_price: float, funding_rate: float) -> float:
    """What one funding payment takes from a perpetual position, in quote currency.

    Parameters
    ----------
    side : "long" or "short"
    size : float
        Q in base units, > 0.
    mark_price : float
        The mark price at the funding time, quote per base unit, > 0.
    funding_rate : float
        Per funding interval, a fraction in (−1, 1) (0.0001 = 0.01 %); positive: longs pay.

    Returns
    -------
    float
        s·rate·Q·P: positive when the position pays, negative when it receives.

    Notes
    -----
    Longs pay shorts when the rate is positive, on the position's value at the mark. Taught in
    lessons/03_liquidation_mechanics.ipynb ("Fees and funding don't matter") and 04.

    References
    ----------
    REFERENCE.md §2 (funding every 8 hours on Binance, hourly on Hyperliquid) and §4 (fees
    and funding drain equity).

    Examples
    --------
    A long of 1 BTC with the mark at 20,000 pays 0.01 % of 20,000 per interval; a short receives it:

    >>> funding_payment("long", 1, 20_000, 0.0001), funding_payment("short", 1, 20_000, 0.0001)
    (2.0, -2.0)
    """
    side = require_choice("side", side, Side)
    size = require_positive("size", size)
    mark_price = require_positive("mark_price", mark_price)
    rate = require_range("funding_rate", funding_rate, -1.0, 1.0, low_open=True, high_open=True,
                         hint="a fraction per funding interval, 0.0001 = 0.01 %")
    return float(_funding_kernel(side.sign, rate, size, mark_price))


def backstop_price(
    side: str | Side,
    entry_price: float,
    size: float,
    collateral: float,
    maintenance_rate: float,
    backstop_level: float,
) -> float | None:
    """The price at which equity falls to ``backstop_level`` times the maintenance margin.

    Parameters
    ----------
    side : "long" or "short"
    entry_price, size : float
        EP in quote per base unit and Q in base units, > 0.
    collateral : float
        M in quote currency (for a lone cross position, the wallet), > 0.
    maintenance_rate : float
        r, a fraction in [0, 1) of the value at the mark.
    backstop_level : float
        The share of the maintenance margin at which the backstop starts, in (0, 1]
        (Hyperliquid: 2/3, its preset's ``extra["backstop_level"]``).

    Returns
    -------
    float or None
        The liquidation price with the rate r × level; ``None`` if no positive price reaches it.

    Notes
    -----
    Equity M + s·Q·(P − EP) = level·r·Q·P gives P = (EP − s·M/Q)/(1 − s·level·r): the
    liquidation formula of REFERENCE.md §1 with the rate scaled. Taught in
    lessons/05_cross_margin.ipynb.

    References
    ----------
    Hyperliquid docs, trading/liquidations (backstop below 2/3 of the maintenance margin);
    REFERENCE.md §2.

    Examples
    --------
    10,000 USDC backing a cross long of 5 BTC at 20,000, maintenance 1 %:

    >>> round(backstop_price("long", 20_000, 5, 10_000, 0.01, 2 / 3), 2)
    18120.81
    """
    level = require_range("backstop_level", backstop_level, 0.0, 1.0, low_open=True,
                          hint="a share of the maintenance margin, 2/3 on Hyperliquid")
    rate = require_fraction("maintenance_rate", maintenance_rate)
    return liquidation_price(side, entry_price, size, collateral, rate * level)


def cross_collateral(balance: float, other_maintenance: float = 0.0, other_pnl: float = 0.0) -> float:
    """M for one cross position: WB − TMM₁ + UPNL₁, quote currency.

    The collateral that REFERENCE.md §1's liquidation formula takes for a cross position: the
    wallet, plus what the other cross positions gain (or minus what they lose), minus what they
    must keep as maintenance. The account engine backs its cross positions with this formula.

    Parameters
    ----------
    balance : float
        The wallet balance WB, > 0.
    other_maintenance : float
        TMM₁: the other cross positions' maintenance margin at their marks, >= 0.
    other_pnl : float
        UPNL₁: the other cross positions' unrealised P&L at their marks (negative for a loss).

    Raises
    ------
    ValueError
        When M <= 0: the pool is already below maintenance, so no price is left to find.

    Notes
    -----
    Taught in lessons/05_cross_margin.ipynb.

    References
    ----------
    Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts"; REFERENCE.md §1 (Cross).

    Examples
    --------
    >>> cross_collateral(10_000, other_maintenance=55, other_pnl=-1_000)
    8945.0
    """
    balance = require_positive("balance", balance)
    other_maintenance = require_non_negative("other_maintenance", other_maintenance)
    other_pnl = require_number("other_pnl", other_pnl, hint="negative for a loss")
    collateral = _cross_collateral_kernel(balance, [other_pnl], [other_maintenance])
    if collateral <= 0:
        raise ValueError(
            f"balance - other_maintenance + other_pnl must be > 0, got {collateral!r}: the cross pool is already "
            "below maintenance and would be liquidated now"
        )
    return collateral
