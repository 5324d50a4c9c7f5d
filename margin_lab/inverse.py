"""Pure margin formulas for inverse (coin-margined) contracts: sized in USD, margined in the coin.

An inverse contract (Binance COIN-M, Bybit inverse, BitMEX XBTUSD, Kraken Futures inverse) has
a face value in USD; its profit, loss, collateral and fees are counted in the coin. With
``Q_usd`` the contracts' face value (contracts × contract size) the position is worth
``Q_usd/P`` coins at the price P, so a long of Q_usd USD "holds" Q_usd/EP coins at entry and
Q_usd/P coins' worth of exposure later.

Each public function validates its input, then calls a private kernel that also works on
NumPy arrays (simulation and the lesson's price sweep reuse the kernels), so each formula
exists once.

Notation (REFERENCE.md §0 and §1b): ``s`` = +1 long / −1 short, ``Q_usd`` = ``size_usd``,
``EP`` = entry price, ``P`` = mark price (USD per coin), ``M`` = collateral in the coin,
``r`` = maintenance rate, ``cum`` = maintenance amount in the coin, ``f`` = closing fee rate.
"""

from __future__ import annotations

from ._checks import (
    require_choice,
    require_fraction,
    require_non_negative,
    require_positive,
)
from .margin import _positive_or_none, checked_position
from .model import Basis, Side
from .tiers import MaintenanceSchedule, require_schedule

__all__ = [
    "inverse_unrealized_pnl",
    "inverse_initial_margin",
    "inverse_maintenance_margin",
    "inverse_position_equity",
    "inverse_equity_usd",
    "inverse_liquidation_price",
    "inverse_bankruptcy_price",
    "inverse_tiered_liquidation_price",
]

_PERCENT_HINT = "is it a percent typed as a fraction? 0.005 = 0.5 %"


# ---------------------------------------------------------------------------------------------
# Kernels: no validation, float or ndarray in, same out.


def _checked(side: object, entry_price: object, size_usd: object) -> tuple[Side, float, float]:
    """:func:`margin_lab.margin.checked_position` with the inverse names and units."""
    return checked_position(side, entry_price, size_usd, size_name="size_usd", price_hint="USD per coin",
                            size_hint="the contracts' face value in USD")


def _inverse_pnl_kernel(sign, size_usd, entry_price, mark_price):
    """Coin P&L s·Q_usd·(1/EP − 1/P)."""
    return sign * size_usd * (1.0 / entry_price - 1.0 / mark_price)


def _inverse_equity_kernel(sign, size_usd, entry_price, mark_price, collateral):
    """Coin equity M + s·Q_usd·(1/EP − 1/P)."""
    return collateral + _inverse_pnl_kernel(sign, size_usd, entry_price, mark_price)


def _inverse_liquidation_price_kernel(sign, entry_price, size_usd, collateral, rate, amount, fee_rate, entry_basis):
    """Price where coin equity meets the coin requirement; <= 0 (or inf) where none does.

    Mark basis, requirement (r + f)·Q_usd/P − cum:
        M + cum + s·Q_usd/EP = (s + r + f)·Q_usd/P  ⇒  P = Q_usd·(s + r + f) / (M + cum + s·Q_usd/EP)
    Entry basis, requirement r·Q_usd/EP − cum + f·Q_usd/P:
        M + cum + (s − r)·Q_usd/EP = (s + f)·Q_usd/P  ⇒  P = Q_usd·(s + f) / (M + cum + (s − r)·Q_usd/EP)
    A zero or negative denominator (a short holding its own value in the coin) means no price.
    """
    if entry_basis:
        numerator = size_usd * (sign + fee_rate)
        denominator = collateral + amount + (sign - rate) * size_usd / entry_price
    else:
        numerator = size_usd * (sign + rate + fee_rate)
        denominator = collateral + amount + sign * size_usd / entry_price
    return _divide_or_none_marker(numerator, denominator)


def _divide_or_none_marker(numerator, denominator):
    """numerator/denominator, with -1.0 where the denominator is 0 (no price solves the equation).

    Callers turn any value <= 0 into ``None`` (floats) or mask it (arrays).
    """
    if isinstance(denominator, (int, float)):
        return -1.0 if denominator == 0 else numerator / denominator
    import numpy as np  # arrays only: ``import margin_lab`` stays free of NumPy

    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, -1.0, numerator / safe)


def _inverse_bankruptcy_price_kernel(sign, entry_price, size_usd, collateral):
    """Price where coin equity is zero: s·Q_usd / (M + s·Q_usd/EP) (r = f = cum = 0 above)."""
    return _inverse_liquidation_price_kernel(sign, entry_price, size_usd, collateral, 0.0, 0.0, 0.0, False)


# ---------------------------------------------------------------------------------------------
# Public formulas.


def inverse_unrealized_pnl(side: str | Side, size_usd: float, entry_price: float, mark_price: float) -> float:
    """Unrealised P&L of an inverse position, in the coin: s·Q_usd·(1/EP − 1/P).

    Parameters
    ----------
    side : "long" or "short"
    size_usd : float
        The contracts' face value in USD (contracts × contract size), > 0.
    entry_price, mark_price : float
        USD per coin, > 0.

    Returns
    -------
    float
        Coins gained (> 0) or lost (< 0).

    Notes
    -----
    Derivation: a long of Q_usd USD bought Q_usd/EP coins' worth of contracts; closing at P
    returns the same USD face value, now worth Q_usd/P coins; the difference, Q_usd/EP − Q_usd/P,
    is the long's coin P&L, and a short's is its negative. It is not linear in P: a long's coin
    gain is capped at Q_usd/EP however high P goes, while its coin loss grows without bound as
    P falls toward 0.
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    REFERENCE.md §1b (coin equity M + s·Q_usd·(1/EP − 1/P)); Kraken support 360022835671.

    Examples
    --------
    Kraken Futures' example position, 1,000 USD long from 8,000, marked at 10,000:
    1,000/8,000 − 1,000/10,000 = 0.125 − 0.1 = 0.025 BTC.

    >>> round(inverse_unrealized_pnl("long", size_usd=1_000, entry_price=8_000, mark_price=10_000), 6)
    0.025
    >>> round(inverse_unrealized_pnl("short", size_usd=1_000, entry_price=8_000, mark_price=10_000), 6)
    -0.025
    """
    side = require_choice("side", side, Side)
    size_usd = require_positive("size_usd", size_usd, hint="the contracts' face value in USD")
    entry_price = require_positive("entry_price", entry_price)
    mark_price = require_positive("mark_price", mark_price)
    return float(_inverse_pnl_kernel(side.sign, size_usd, entry_price, mark_price))


def inverse_initial_margin(size_usd: float, entry_price: float, leverage: float) -> float:
    """Initial margin of an inverse position, in the coin: Q_usd / (EP·L).

    Notes
    -----
    The position's value in the coin at entry is Q_usd/EP; a leverage L asks for 1/L of it.
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    REFERENCE.md §1b (Bybit's inverse example: 60,000 USD at 50,000 with 10x, IM 0.12 BTC).

    Examples
    --------
    >>> round(inverse_initial_margin(size_usd=60_000, entry_price=50_000, leverage=10), 10)
    0.12
    """
    size_usd = require_positive("size_usd", size_usd, hint="the contracts' face value in USD")
    entry_price = require_positive("entry_price", entry_price)
    leverage = require_positive("leverage", leverage)
    return size_usd / entry_price / leverage


def inverse_maintenance_margin(
    size_usd: float, price: float, maintenance_rate: float, maintenance_amount: float = 0.0
) -> float:
    """Maintenance margin of an inverse position, in the coin: r·Q_usd/P − cum.

    Parameters
    ----------
    size_usd : float
        Face value in USD, > 0.
    price : float
        The mark price (Kraken Futures, Binance COIN-M) or the entry price (Bybit inverse UTA
        isolated), USD per coin, > 0.
    maintenance_rate : float
        Fraction in [0, 1) (0.01 = 1 %).
    maintenance_amount : float
        The tier's deduction ``cum`` in the coin, >= 0.

    Raises
    ------
    ValueError
        If the amount exceeds r·Q_usd/P (a negative requirement).

    References
    ----------
    Kraken support 360022835671; Binance COIN-M FAQ; REFERENCE.md §1b.

    Examples
    --------
    Kraken Futures' example at the liquidation price 7,481.48: 1 % of 1,000 USD is 10 USD,
    1.337 millibitcoin:

    >>> round(inverse_maintenance_margin(size_usd=1_000, price=7_481.48, maintenance_rate=0.01), 6)
    0.001337
    """
    size_usd = require_positive("size_usd", size_usd, hint="the contracts' face value in USD")
    price = require_positive("price", price)
    rate = require_fraction("maintenance_rate", maintenance_rate)
    amount = require_non_negative("maintenance_amount", maintenance_amount, hint="in the coin")
    requirement = rate * size_usd / price - amount
    if requirement < -1e-12 * max(1.0, amount):
        raise ValueError(
            f"maintenance_amount must be <= maintenance_rate·size_usd/price = {rate * size_usd / price:g} "
            f"coins, got {maintenance_amount!r} (use the amount of the tier this notional falls in, in the coin)"
        )
    return max(requirement, 0.0)


def inverse_position_equity(
    side: str | Side, size_usd: float, entry_price: float, mark_price: float, collateral: float
) -> float:
    """Equity of an isolated inverse position in the coin: M + s·Q_usd·(1/EP − 1/P).

    May be negative when the price has gapped past the bankruptcy price.

    References
    ----------
    REFERENCE.md §1b.

    Examples
    --------
    Kraken Futures' example long (0.01 BTC backing 1,000 USD from 8,000) at its bankruptcy
    price 1,000/0.135 has nothing left:

    >>> round(inverse_position_equity("long", 1_000, 8_000, 1_000 / 0.135, collateral=0.01), 12)
    0.0
    """
    collateral = require_non_negative("collateral", collateral, hint="in the coin")
    return collateral + inverse_unrealized_pnl(side, size_usd, entry_price, mark_price)


def inverse_equity_usd(
    side: str | Side, size_usd: float, entry_price: float, mark_price: float, collateral: float
) -> float:
    """The same equity valued in USD at the mark: P·(M + s·Q_usd·(1/EP − 1/P)).

    Notes
    -----
    Multiplying out, P·M + s·Q_usd·(P/EP − 1): the collateral's USD value moves with the price
    on top of the position's P&L. A short backed by exactly Q_usd/EP coins (1x) has USD equity
    P·Q_usd/EP − Q_usd·(P/EP − 1) = Q_usd, whatever the price: a USD hedge.
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    REFERENCE.md §1b.

    Examples
    --------
    A 1x short: 1 BTC backing 50,000 USD of contracts from 50,000 is worth 50,000 USD at any price.

    >>> round(inverse_equity_usd("short", 50_000, 50_000, mark_price=20_000, collateral=1), 6)
    50000.0
    >>> round(inverse_equity_usd("short", 50_000, 50_000, mark_price=90_000, collateral=1), 6)
    50000.0
    """
    mark_price = require_positive("mark_price", mark_price)
    return mark_price * inverse_position_equity(side, size_usd, entry_price, mark_price, collateral)


def _require_liquidation_on_the_adverse_side(side: Side, entry_price: float, price: float | None,
                                             rate: float, fee: float) -> None:
    """Refuse a position that would open already past its own liquidation price."""
    if price is None:
        return
    past = price >= entry_price if side is Side.LONG else price <= entry_price
    if past:
        raise ValueError(
            f"collateral does not cover the maintenance requirement at entry_price {entry_price:g}: the "
            f"{side.value} would open past its own liquidation price {price:,.2f} (maintenance_rate "
            f"{rate!r}, fee_rate {fee!r}; {_PERCENT_HINT}; else add collateral)"
        )


def inverse_liquidation_price(
    side: str | Side,
    entry_price: float,
    size_usd: float,
    collateral: float,
    maintenance_rate: float,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
) -> float | None:
    """Liquidation price of one inverse position, in USD per coin; ``None`` if no price liquidates.

    Parameters
    ----------
    side : "long" or "short"
    entry_price : float
        Average entry price EP, USD per coin, > 0.
    size_usd : float
        Q_usd, the contracts' face value in USD (contracts × contract size), > 0.
    collateral : float
        M in the coin, > 0: the isolated margin, or for cross the coin wallet minus the other
        inverse positions' maintenance margin plus their unrealised P&L, all in the coin.
    maintenance_rate : float
        r, a fraction in [0, 1) (0.01 = 1 %).
    maintenance_amount : float
        The tier's deduction ``cum`` in the coin, >= 0 (Binance COIN-M brackets).
    fee_rate : float
        Taker fee rate charged on closing, a fraction in [0, 1): a fee of f·Q_usd USD is
        f·Q_usd/P coins at the liquidation price, so it adds to r on the mark basis.
    basis : "mark" or "entry"
        Maintenance r·Q_usd/P on the value at the mark (Kraken Futures inverse, Binance COIN-M)
        or r·Q_usd/EP on the entry value (Bybit inverse, unified account, isolated).

    Returns
    -------
    float or None
        The mark price at which coin equity equals the coin requirement. ``None`` when no
        positive price does: a short backed by at least its own value in the coin
        (M + cum ≥ (1 − r)·Q_usd/EP on the entry basis, M + cum ≥ Q_usd/EP on the mark basis).

    Raises
    ------
    ValueError, TypeError
        Naming the argument: unknown side or basis, a non-positive size_usd, price or
        collateral, NaN/inf, rates outside [0, 1), rate + fee >= 1, or a position whose
        collateral does not cover the requirement at its own entry (it would open past its
        liquidation price: often a percent typed as a fraction).

    Notes
    -----
    Derivation (REFERENCE.md §1b, done again here). Coin equity is
    E(P) = M + s·Q_usd·(1/EP − 1/P). On the mark basis the requirement in the coin is
    (r + f)·Q_usd/P − cum (the USD requirement r·Q_usd converted at P, plus the closing fee).
    Setting E(P) equal to it and collecting the 1/P terms:

        M + cum + s·Q_usd/EP = (s + r + f)·Q_usd/P
        P_liq = Q_usd·(s + r + f) / (M + cum + s·Q_usd/EP)

    On the entry basis the maintenance part is r·Q_usd/EP, a constant, and only the fee moves
    with P:

        M + cum + (s − r)·Q_usd/EP = (s + f)·Q_usd/P
        P_liq = Q_usd·(s + f) / (M + cum + (s − r)·Q_usd/EP)

    For a long both numerator and denominator are positive: every long has a liquidation
    price. For a short the numerator is negative, so a price exists only while the denominator
    is negative, i.e. while the collateral is worth less than the position at entry; equity
    minus requirement tends to that denominator as P → ∞.
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    Kraken support 360022835671 (inverse futures margin example); Binance FAQ "Liquidation
    price of COIN-M futures"; Bybit help, inverse liquidation price under the unified trading
    account; REFERENCE.md §1b.

    Examples
    --------
    Kraken Futures: long 1,000 USD at 8,000 with 0.01 BTC, MM 1 % on the mark:
    1,010 / (0.01 + 0.125) = 7,481.48.

    >>> round(inverse_liquidation_price("long", entry_price=8_000, size_usd=1_000, collateral=0.01,
    ...                                 maintenance_rate=0.01), 2)
    7481.48

    Bybit inverse isolated (UTA): 60,000 USD at 50,000, 10x (0.12 BTC), MM 0.5 % of the entry
    value: long 60,000 / (0.12 + 0.995·1.2), short 60,000 / (1.005·1.2 − 0.12).

    >>> round(inverse_liquidation_price("long", 50_000, 60_000, 0.12, 0.005, basis="entry"), 2)
    45662.1
    >>> round(inverse_liquidation_price("short", 50_000, 60_000, 0.12, 0.005, basis="entry"), 2)
    55248.62

    The seed article's 0.1 BTC backing a 5x short, at an (illustrative) entry of 88,000 and
    1 % on the mark: 44,000·0.99 / (0.5 − 0.1) = 108,900.

    >>> round(inverse_liquidation_price("short", 88_000, 44_000, 0.1, 0.01), 2)
    108900.0

    A 1x short (collateral worth the whole position) is never liquidated:

    >>> inverse_liquidation_price("short", 88_000, 8_800, 0.1, 0.01) is None
    True
    """
    side, entry_price, size_usd = _checked(side, entry_price, size_usd)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral, hint="in the coin")
    rate = require_fraction("maintenance_rate", maintenance_rate)
    amount = require_non_negative("maintenance_amount", maintenance_amount, hint="in the coin")
    fee = require_fraction("fee_rate", fee_rate)
    if rate + fee >= 1:
        raise ValueError(
            f"maintenance_rate + fee_rate must be < 1, got {rate!r} + {fee!r} ({_PERCENT_HINT})"
        )
    price = _positive_or_none(
        _inverse_liquidation_price_kernel(
            side.sign, entry_price, size_usd, collateral, rate, amount, fee, basis is Basis.ENTRY
        )
    )
    _require_liquidation_on_the_adverse_side(side, entry_price, price, rate, fee)
    return price


def inverse_bankruptcy_price(side: str | Side, entry_price: float, size_usd: float, collateral: float) -> float | None:
    """Price at which an inverse position's coin equity is zero; ``None`` if no price gets there.

    Notes
    -----
    Setting M + s·Q_usd·(1/EP − 1/P) = 0 gives P_bk = s·Q_usd / (M + s·Q_usd/EP): the
    liquidation formula with r = f = cum = 0. A short with M ≥ Q_usd/EP never goes bankrupt.
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    References
    ----------
    Kraken support 360022835671; REFERENCE.md §1b.

    Examples
    --------
    Kraken Futures' example: 1,000 / (0.01 + 0.125) = 7,407.41.

    >>> round(inverse_bankruptcy_price("long", entry_price=8_000, size_usd=1_000, collateral=0.01), 2)
    7407.41
    >>> round(inverse_bankruptcy_price("short", entry_price=8_000, size_usd=1_000, collateral=0.01), 2)
    8695.65
    >>> inverse_bankruptcy_price("short", entry_price=8_000, size_usd=1_000, collateral=0.125) is None
    True
    """
    side, entry_price, size_usd = _checked(side, entry_price, size_usd)
    collateral = require_positive("collateral", collateral, hint="in the coin")
    return _positive_or_none(_inverse_bankruptcy_price_kernel(side.sign, entry_price, size_usd, collateral))


def inverse_tiered_liquidation_price(
    side: str | Side,
    entry_price: float,
    size_usd: float,
    collateral: float,
    schedule: MaintenanceSchedule,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
) -> float | None:
    """COIN-M liquidation price under tiers whose floors are notionals in the coin.

    Binance COIN-M brackets its maintenance rate by the position's value in the coin,
    Q_usd/P, with amounts from the recursion cum_n = cum_{n−1} + floor_n·(r_n − r_{n−1})
    (REFERENCE.md §1), now in coin units: build the schedule with
    ``MaintenanceSchedule([(0, r_1), (floor_2_in_coin, r_2), ...])``. On the mark basis each
    tier's formula is solved and the one whose liquidation notional Q_usd/P_liq lies in its
    own bracket is returned; as the price falls a long's coin notional grows, so a long may
    liquidate in a higher tier than it opened in (the mirror of a linear long).

    Returns ``None`` when no positive price liquidates the position.

    References
    ----------
    Binance FAQ "Liquidation price of COIN-M futures" and its leverage-and-margin brackets;
    REFERENCE.md §1 and §1b.

    Examples
    --------
    Two brackets: 1 % below 5 BTC of notional, 2.5 % from 5 BTC (amount 5·0.015 = 0.075 BTC).
    A 400,000 USD long from 100,000 (4 BTC) with 0.5 BTC of collateral: the first tier gives
    404,000 / 4.5 = 89,777.78, a notional of 4.455 BTC, inside the first bracket:

    >>> two = MaintenanceSchedule([(0, 0.01), (5, 0.025)])
    >>> round(inverse_tiered_liquidation_price("long", 100_000, 400_000, 0.5, two), 2)
    89777.78

    A 490,000 USD long with 0.6 BTC falls to 494,900 / 5.5 = 89,981.82 in tier one, a notional
    of 5.446 BTC, past the 5 BTC floor; recomputed in tier two,
    (490,000·1.025) / (0.6 + 0.075 + 4.9):

    >>> round(inverse_tiered_liquidation_price("long", 100_000, 490_000, 0.6, two), 2)
    90089.69
    """
    side, entry_price, size_usd = _checked(side, entry_price, size_usd)
    basis = require_choice("basis", basis, Basis)
    collateral = require_positive("collateral", collateral, hint="in the coin")
    fee = require_fraction("fee_rate", fee_rate)
    require_schedule(schedule, fee, floors=" with floors in the coin")
    price = _solve_inverse_tiered(side, entry_price, size_usd, collateral, schedule, fee, basis)
    _require_liquidation_on_the_adverse_side(side, entry_price, price, schedule.tier(size_usd / entry_price).rate, fee)
    return price


def _solve_inverse_tiered(side: Side, entry_price: float, size_usd: float, collateral: float,
                          schedule: MaintenanceSchedule, fee: float, basis: Basis) -> float | None:
    """:func:`inverse_tiered_liquidation_price` for checked arguments (the account's records)."""
    if basis is Basis.ENTRY:
        tier = schedule.tier(size_usd / entry_price)
        return _positive_or_none(_inverse_liquidation_price_kernel(
            side.sign, entry_price, size_usd, collateral, tier.rate, tier.amount, fee, True))
    uppers = [t.floor_notional for t in schedule.tiers[1:]] + [float("inf")]
    for tier, upper in zip(schedule.tiers, uppers):
        price = _inverse_liquidation_price_kernel(
            side.sign, entry_price, size_usd, collateral, tier.rate, tier.amount, fee, False)
        if price <= 0:
            continue
        coin_notional = size_usd / price
        slack = 1e-9 * max(1.0, coin_notional)
        if tier.floor_notional - slack <= coin_notional < upper + slack:
            return float(price)
    return None
