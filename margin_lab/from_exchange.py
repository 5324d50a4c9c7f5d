"""Explain a learner's own exchange position: a CCXT unified position dict in, plain words out.

CCXT (the ccxt library's ``fetch_positions``) returns one dict per position with unified keys:
``symbol, side, contracts, contractSize, entryPrice, markPrice, notional, leverage, collateral,
initialMargin, maintenanceMargin, maintenanceMarginPercentage, unrealizedPnl, liquidationPrice,
marginMode, marginRatio``. margin_lab reads such a dict without depending on ccxt: copy it from
your own session (or type it from the exchange's position screen) and pass it in.

Required: ``symbol``, ``side``, ``contracts``, ``entryPrice``, a collateral (``collateral``, else
``initialMargin``, else ``leverage``) and a maintenance rate (``maintenanceMarginPercentage``, else
``maintenanceMargin``). Every other field is recomputed when missing or None. Numbers may be
numeric strings, as exchanges send them. ``contractSize`` (base units per contract, USD for an
inverse contract) defaults to 1.

The same keys mean different things on different venues (CCXT's isolated ``collateral`` includes
the unrealised P&L on Binance, Bybit, OKX, Gate, Hyperliquid and Bitget; Binance's cross collateral
is back-solved from the liquidation price; Hyperliquid's rate is 1/(2·maxLeverage)):
``explain_position(d, venue)`` reads them the venue's way (:mod:`margin_lab.ccxt_records`), says
when agreement holds by construction, and does not call an account-level price agreement.

References
----------
CCXT manual, unified position structure; CCXT 4.5.90 ``parse_position`` code per exchange;
REFERENCE.md §1 (linear formula, cross backing, Bybit and BitMEX examples), §1b (inverse) and §4
(venues define the margin ratio in opposite directions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ._checks import (
    require_choice,
    require_fraction,
    require_non_negative,
    require_number,
    require_positive,
)
from .ccxt_records import Reading, read_number, read_record
from .margin import liquidation_price
from .model import Basis, MarginMode, Position, Side, Venue

__all__ = ["position_from_ccxt", "position_to_ccxt", "explain_position", "Explanation"]

def position_from_ccxt(d: Mapping) -> Position:
    """Read a CCXT unified position dict into a :class:`~margin_lab.model.Position`.

    Parameters
    ----------
    d : dict
        CCXT keys (see the module docstring). ``marginMode`` None or missing reads as
        ``"isolated"``: the collateral shown is the position's own.

    Returns
    -------
    Position
        ``size`` = contracts × contractSize. Missing fields are recomputed: markPrice = entryPrice,
        unrealizedPnl = s·Q·(P − EP), maintenanceMargin = rate·Q·P, leverage = Q·EP/collateral,
        liquidationPrice by REFERENCE.md §1 on the mark basis, margin level = 1/marginRatio or
        (collateral + uPnL)/maintenanceMargin.

    Raises
    ------
    ValueError
        Naming the missing key, or the key whose value is out of range.

    Examples
    --------
    >>> p = position_from_ccxt({"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1,
    ...                         "entryPrice": 20_000, "collateral": 400,
    ...                         "maintenanceMarginPercentage": 0.005, "marginMode": "isolated"})
    >>> p.leverage, p.maintenance_margin, round(p.liquidation_price, 2)
    (50.0, 100.0, 19698.49)
    """
    r = read_record(d)
    if r.inverse:
        raise ValueError(f"symbol {r.symbol!r} is an inverse (coin-margined) record: position_from_ccxt reads "
                         f"linear ones (explain_position reads both)")
    if r.collateral is None:
        raise ValueError("collateral is missing from the position dict: give collateral, initialMargin or leverage")
    size, entry, mark, collateral, rate = r.size, r.entry_price, r.mark_price, r.collateral, r.maintenance_rate
    leverage = read_number(d, "leverage")
    leverage = None if leverage is None else require_positive("leverage", leverage)
    if leverage is None and collateral > 0:
        leverage = size * entry / collateral
    maintenance = read_number(d, "maintenanceMargin")
    maintenance = rate * size * mark if maintenance is None else require_non_negative("maintenanceMargin", maintenance)
    initial = read_number(d, "initialMargin")
    initial = (size * entry / leverage if leverage else collateral) if initial is None else initial
    liquidation = r.exchange_price
    if liquidation is None and collateral > 0:
        liquidation = liquidation_price(r.side, entry, size, collateral, rate)
    ratio = read_number(d, "marginRatio")
    if ratio is not None:
        level = 1 / ratio if ratio > 0 else math.inf
    elif maintenance > 0:
        level = (collateral + r.unrealized_pnl) / maintenance
    else:
        level = math.inf
    return Position(r.symbol, r.side, size, entry, mark, r.margin_mode, collateral, leverage, initial, maintenance,
                    rate, r.unrealized_pnl, liquidation, level)


def position_to_ccxt(p: Position) -> dict:
    """Write a Position with CCXT's unified keys (contractSize 1: sizes are in base units).

    ``marginRatio`` is maintenance / equity (Binance's direction; REFERENCE.md §4), None once
    equity is gone; ``initialMarginPercentage`` is 1/leverage.

    Examples
    --------
    >>> p = position_from_ccxt({"symbol": "ETH", "side": "short", "contracts": 2, "entryPrice": 3_000,
    ...                         "leverage": 5, "maintenanceMarginPercentage": 0.01})
    >>> d = position_to_ccxt(p)
    >>> d["collateral"], d["initialMarginPercentage"], d["marginMode"]
    (1200.0, 0.2, 'isolated')
    """
    if not isinstance(p, Position):
        raise TypeError(f"p must be a margin_lab Position, got {p!r}")
    level = p.margin_level
    return {
        "symbol": p.symbol,
        "side": p.side.value,
        "contracts": p.size,
        "contractSize": 1.0,
        "entryPrice": p.entry_price,
        "markPrice": p.mark_price,
        "notional": p.notional,
        "leverage": p.leverage,
        "collateral": p.collateral,
        "initialMargin": p.initial_margin,
        "initialMarginPercentage": None if p.leverage is None else 1 / p.leverage,
        "maintenanceMargin": p.maintenance_margin,
        "maintenanceMarginPercentage": p.maintenance_rate,
        "unrealizedPnl": p.unrealized_pnl,
        "liquidationPrice": p.liquidation_price,
        "marginMode": p.margin_mode.value,
        "marginRatio": (0.0 if math.isinf(level) else 1 / level) if level > 0 else None,
    }


def _words(x: float, coin: bool = False) -> str:
    if coin or 0 < abs(x) < 1:
        return f"{x:.8g}"
    text = f"{x:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_PASS = ("pass wallet_balance= (the account's wallet balance), other_maintenance= (the other positions' "
         "maintenance margin) and other_unrealized_pnl= (their unrealised P&L) to compute it")


@dataclass(frozen=True)
class Explanation:
    """The exchange's liquidation price next to margin_lab's, with what the record means.

    ``difference`` is (computed − exchange) / exchange when the two prices are comparable;
    ``agree`` is then True or False (within ``tolerance`` or not), and None when they are not: no
    exchange price, an account-level price (cross, portfolio margin) without the account's
    numbers, or numbers that cannot hold the position (``computable`` False).
    ``independent`` is False when agreement would hold by construction: CCXT derived the
    collateral or the rate from the liquidation price, or computed that price itself.
    ``alternative_price`` is margin_lab's price on the other basis.
    """

    symbol: str
    side: Side
    margin_mode: MarginMode
    exchange_price: float | None
    computed_price: float | None
    alternative_price: float | None
    collateral: float | None
    maintenance_rate: float
    basis: Basis
    difference: float | None
    agree: bool | None
    reasons: tuple[str, ...]
    tolerance: float = 0.001
    independent: bool = True
    inverse: bool = False
    account_level: bool = False
    from_wallet: bool = False
    notes: tuple[str, ...] = ()
    computable: bool = True

    def summary(self) -> str:
        """Plain text for the learner (see :func:`explain_position`)."""
        on = "on the entry value" if self.basis is Basis.ENTRY else "on the value at the mark price"
        if not self.computable:
            computed = "no price (these numbers cannot hold the position, see the note)"
        elif self.computed_price is not None:
            computed = f"{self.computed_price:,.2f}" if self.computed_price >= 1 else f"{self.computed_price:.6g}"
        elif self.collateral:
            computed = "no liquidation price (the collateral covers the whole move)"
        else:
            computed = "no price (the record carries no collateral of the position's own)"
        coin = " in the coin" if self.inverse else ""
        backing = "the cross collateral (wallet − other maintenance + other unrealised P&L)" if self.from_wallet \
            else "collateral"
        amount = "" if self.collateral is None else f" {_words(self.collateral, self.inverse)}{coin}"
        source = f"from {backing}{amount} and maintenance {self.maintenance_rate * 100:.4g} % {on}"
        lines = []
        if self.exchange_price is None and self.account_level and not self.from_wallet:
            lines.append(f"Your exchange gives no liquidation price for this {self.margin_mode.value} position. "
                         f"A cross position's price depends on the whole account (its wallet balance, the other "
                         f"positions' maintenance and their unrealised P&L); {_PASS}.")
        elif self.exchange_price is None:
            lines.append(f"Your exchange gives no liquidation price; margin_lab computes {computed} {source}.")
        elif self.account_level and not self.from_wallet:
            lines.append(f"Your exchange says {_words(self.exchange_price)} for this {self.margin_mode.value} "
                         f"position. That price depends on the whole account (its wallet balance, the other "
                         f"positions' maintenance and their unrealised P&L), which the record does not carry, "
                         f"so margin_lab does not call any number agreement; {_PASS}.")
            if self.computed_price is not None:
                lines.append(f"From the record's own collateral alone margin_lab computes {computed} {source}.")
        elif not self.computable:
            lines.append(f"Your exchange says {_words(self.exchange_price)}; margin_lab computes {computed}.")
        else:
            head = f"Your exchange says {_words(self.exchange_price)}; margin_lab computes {computed} {source}"
            if self.agree:
                lines.append(f"{head}: they agree ({abs(self.difference) * 100:.2f} %).")
            else:
                gap = "" if self.difference is None else f" by {abs(self.difference) * 100:.2f} %"
                lines.append(f"{head}: they differ{gap}. Likely reasons:")
                lines.extend(f"- {r}" for r in self.reasons)
        if not self.independent:
            lines.append("This check proves nothing: the record's numbers were derived from this very liquidation "
                         "price, so margin_lab's price matches it by construction (see the notes).")
        if self.inverse:
            lines.append("This is an inverse (coin-margined) contract: size in USD, collateral and P&L in the coin "
                         "(REFERENCE.md §1b).")
        lines.extend(f"Note: {n}." for n in self.notes)
        return "\n".join(lines)


def _price(r: Reading, collateral: float, amount: float, basis: Basis) -> float | None:
    if r.inverse:
        from .inverse import inverse_liquidation_price  # coin-margined math (REFERENCE.md §1b)

        return inverse_liquidation_price(r.side, r.entry_price, r.size, collateral, r.maintenance_rate,
                                         maintenance_amount=amount, basis=basis)
    return liquidation_price(r.side, r.entry_price, r.size, collateral, r.maintenance_rate,
                             maintenance_amount=amount, basis=basis)


def _cross_collateral(wallet_balance: object, other_maintenance: object, other_unrealized_pnl: object) -> float:
    wallet = require_positive("wallet_balance", wallet_balance)
    other = require_non_negative("other_maintenance", other_maintenance)
    pnl = require_number("other_unrealized_pnl", other_unrealized_pnl)
    backing = wallet - other + pnl
    if backing <= 0:
        raise ValueError(f"wallet_balance − other_maintenance + other_unrealized_pnl must be > 0, got "
                         f"{wallet:g} − {other:g} + {pnl:g} = {backing:g}: the account is already below maintenance")
    return backing


def explain_position(d: Mapping, venue: str | Venue | None = None, *, wallet_balance: float | None = None,
                     other_maintenance: float = 0.0, other_unrealized_pnl: float = 0.0,
                     basis: str | Basis | None = None, tolerance: float = 0.001) -> Explanation:
    """Recompute a CCXT position's liquidation price, read the way its venue fills the record.

    Parameters
    ----------
    d : dict
        A CCXT unified position (``fetch_positions``), or one typed from the position screen.
    venue : str, Venue or None
        A preset key (``margin_lab.venues.venue_keys()``) or the preset itself, or a CCXT exchange
        id (``binance``, ``binanceusdm``, ``binancecoinm``, ``bybit``, ``okx``, ``gate``,
        ``hyperliquid``, ``bitmex``, ``krakenfutures``, ``bitget``, ``coinex``): how to read the
        record (:mod:`margin_lab.ccxt_records`). None reads the collateral as the position's own.
    wallet_balance, other_maintenance, other_unrealized_pnl : float
        For a cross position: the account's wallet balance, the other positions' maintenance
        margin and their unrealised P&L; the backing is their sum M = wallet − other maintenance
        + other unrealised P&L (REFERENCE.md §1, "Cross"). In the coin for an inverse record.
    basis : "mark", "entry" or None
        What the maintenance rate is charged on; None takes the venue's, or (no venue) the basis
        closer to the exchange's number.
    tolerance : float
        Largest relative difference still called agreement (0.001 = 0.1 %).

    Notes
    -----
    REFERENCE.md §1 (linear) and §1b (inverse) with the record's collateral, rate and tier
    amount; no fees beyond those the venue puts in the rate. Taught in lesson 07.

    Examples
    --------
    Bybit USDT isolated (REFERENCE.md §1): long 1 BTC at 20,000, 50x, 0.5 % maintenance:

    >>> bybit = {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1, "entryPrice": 20_000,
    ...          "leverage": 50, "collateral": 400, "maintenanceMarginPercentage": 0.005,
    ...          "liquidationPrice": 19_700, "marginMode": "isolated"}
    >>> print(explain_position(bybit).summary())
    Your exchange says 19,700; margin_lab computes 19,700.00 from collateral 400 and maintenance
    0.5 % on the entry value: they agree (0.00 %).

    BitMEX cross (REFERENCE.md §1): wallet 10,000; long 20 ETH at 1,000 with MM 1 %:

    >>> cross = {**bybit, "symbol": "ETH/USDT:USDT", "contracts": 20, "entryPrice": 1_000, "collateral": 400,
    ...          "maintenanceMarginPercentage": 0.01, "liquidationPrice": 510, "marginMode": "cross"}
    >>> explain_position(cross).agree is None
    True
    >>> e = explain_position(cross, wallet_balance=10_000, basis="entry")
    >>> e.agree, e.independent, e.computed_price
    (True, True, 510.0)
    """
    reading = read_record(d, venue)
    tolerance = require_fraction("tolerance", tolerance)
    from_wallet = wallet_balance is not None
    if not from_wallet and (other_maintenance or other_unrealized_pnl):
        raise ValueError("other_maintenance and other_unrealized_pnl need wallet_balance: give the account's wallet "
                         "balance too")
    if from_wallet and not reading.account_level:
        raise ValueError(f"wallet_balance is for cross positions; this record is {reading.margin_mode.value} "
                         f"(marginMode {d.get('marginMode')!r}): leave wallet_balance out")
    backing = _cross_collateral(wallet_balance, other_maintenance, other_unrealized_pnl) if from_wallet \
        else reading.collateral
    notes = list(reading.notes)
    if reading.venue == "hyperliquid" and reading.account_level and not from_wallet:
        notes.append("Hyperliquid: its accountValue includes unrealised P&L; wallet_balance is accountValue minus "
                     "the cross positions' unrealised P&L")
    if from_wallet and reading.collateral_backsolved:
        notes.append("margin_lab does not use that collateral here: the backing comes from wallet_balance")
    prices: dict[Basis, float | None] = dict.fromkeys(Basis)
    computable = True
    # CCXT's back-solve uses one rate and no maintenance amount: recomputing it the same way shows the echo.
    amount = 0.0 if reading.collateral_backsolved and not from_wallet else reading.maintenance_amount
    if backing:
        try:
            prices = {b: _price(reading, backing, amount, b) for b in Basis}
        except ValueError as error:  # e.g. collateral already below its requirement
            notes.append(f"margin_lab cannot compute a price from these numbers: {error}")
            computable = False
    exchange = reading.exchange_price
    if basis is not None:
        chosen = require_choice("basis", basis, Basis)
    elif reading.basis is not None:
        chosen = reading.basis
    elif exchange is None:
        chosen = Basis.MARK
    else:
        chosen = min(Basis, key=lambda b: math.inf if prices[b] is None else abs(prices[b] - exchange))
    computed = prices[chosen]
    other = prices[Basis.ENTRY if chosen is Basis.MARK else Basis.MARK]
    comparable = computable and exchange is not None and (from_wallet or not reading.account_level)
    difference = None if not comparable or computed is None else (computed - exchange) / exchange
    agree = None if not comparable else difference is not None and abs(difference) <= tolerance
    independent = not (reading.price_by_ccxt or reading.rate_backsolved
                       or (reading.collateral_backsolved and not from_wallet))
    explained = agree or exchange is None or not computable
    reasons = () if explained else _reasons(reading, exchange, computed, other, chosen, from_wallet)
    return Explanation(reading.symbol, reading.side, reading.margin_mode, exchange, computed, other, backing,
                       reading.maintenance_rate, chosen, difference, agree, reasons, tolerance, independent,
                       reading.inverse, reading.account_level, from_wallet, tuple(notes), computable)


def _reasons(r: Reading, exchange: float, computed: float | None, other: float | None,
             basis: Basis, from_wallet: bool) -> tuple[str, ...]:
    # Closer to the entry than margin_lab's price means the exchange holds back more.
    tighter = computed is None or r.side.sign * (exchange - computed) > 0
    fees = ("fees: some venues count the closing taker fee in the requirement (Gate, OKX, Bitget), which moves "
            "the liquidation price toward the entry")
    tiers = ("tiers: a large position pays a higher maintenance rate minus a maintenance amount for its notional "
             "bracket; the dict gives one rate only")
    cross = ("cross collateral: in cross mode the whole wallet, less the other positions' maintenance and plus "
             "their unrealised P&L, backs the position, not only the collateral shown")
    added = "collateral: margin added or removed, funding and fees paid since opening change what backs it"
    on = "entry value" if basis is Basis.MARK else "value at the mark"
    alt = "none" if other is None else f"{other:,.2f}"
    basis_reason = f"mark vs entry basis: charged on the {on} instead, margin_lab computes {alt}"
    ordered = [fees, tiers, basis_reason, added] if tighter else [tiers, added, basis_reason]
    if r.margin_mode is MarginMode.CROSS and not from_wallet:
        ordered.insert(0, cross)
    return tuple(ordered)
