"""Explain a learner's own exchange position: a CCXT unified position dict in, plain words out.

CCXT (the ccxt library's ``fetch_positions``) returns one dict per position with unified keys:
``symbol, side, contracts, contractSize, entryPrice, markPrice, notional, leverage, collateral,
initialMargin, maintenanceMargin, maintenanceMarginPercentage, unrealizedPnl, liquidationPrice,
marginMode, marginRatio``. margin_lab reads such a dict without depending on ccxt: copy it from
your own session (or type it from the exchange's position screen) and pass it in.

Required: ``symbol``, ``side``, ``contracts``, ``entryPrice``, a collateral (``collateral``, else
``initialMargin``, else ``leverage``) and a maintenance rate (``maintenanceMarginPercentage``, else
``maintenanceMargin``). Every other field is recomputed when missing or None. Numbers may be
numeric strings, as exchanges send them. ``contractSize`` (base units per contract) defaults to 1.

References
----------
CCXT manual, unified position structure; REFERENCE.md §1 (the liquidation-price formula and
the Bybit worked example) and §4 (venues define the margin ratio in opposite directions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ._checks import require_choice, require_fraction, require_non_negative, require_positive, require_text
from .margin import liquidation_price
from .model import Basis, MarginMode, Position, Side

__all__ = ["position_from_ccxt", "position_to_ccxt", "explain_position", "Explanation"]

_REQUIRED = ("symbol", "side", "contracts", "entryPrice")


def _get(d: Mapping, key: str) -> object:
    value = d.get(key)
    if isinstance(value, str) and key not in ("symbol", "side", "marginMode"):
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"{key} must be a number, got {value!r}") from None
    return value


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
    if not isinstance(d, Mapping):
        raise TypeError(f"d must be a dict with CCXT position keys, got {d!r}")
    for key in _REQUIRED:
        if d.get(key) is None:
            raise ValueError(f"{key} is missing from the position dict: it is required (CCXT unified position key)")
    symbol = require_text("symbol", d["symbol"])
    side = require_choice("side", d["side"], Side)
    mode = require_choice("marginMode", d.get("marginMode") or "isolated", MarginMode)
    contract_size = _get(d, "contractSize")
    size = require_positive("contracts", _get(d, "contracts"))
    size *= 1.0 if contract_size is None else require_positive("contractSize", contract_size)
    entry = require_positive("entryPrice", _get(d, "entryPrice"))
    mark = _get(d, "markPrice")
    mark = entry if mark is None else require_positive("markPrice", mark)
    leverage = _get(d, "leverage")
    leverage = None if leverage is None else require_positive("leverage", leverage)
    collateral = _get(d, "collateral")
    if collateral is None:
        collateral = _get(d, "initialMargin")
    if collateral is None and leverage is not None:
        collateral = size * entry / leverage
    if collateral is None:
        raise ValueError("collateral is missing from the position dict: give collateral, initialMargin or leverage")
    collateral = require_non_negative("collateral", collateral)
    if leverage is None and collateral > 0:
        leverage = size * entry / collateral
    notional = _get(d, "notional")
    notional = size * mark if notional is None else abs(float(notional))
    rate = _get(d, "maintenanceMarginPercentage")
    maintenance = _get(d, "maintenanceMargin")
    if rate is None and maintenance is not None and notional > 0:
        rate = float(maintenance) / notional
    if rate is None:
        raise ValueError("maintenanceMarginPercentage is missing from the position dict: give it (a fraction, "
                         "0.005 = 0.5 %) or maintenanceMargin")
    rate = require_fraction("maintenanceMarginPercentage", rate)
    maintenance = rate * size * mark if maintenance is None else require_non_negative("maintenanceMargin", maintenance)
    initial = _get(d, "initialMargin")
    initial = (size * entry / leverage if leverage else collateral) if initial is None else float(initial)
    pnl = _get(d, "unrealizedPnl")
    pnl = side.sign * size * (mark - entry) if pnl is None else float(pnl)
    liquidation = _get(d, "liquidationPrice")
    if not liquidation:
        liquidation = liquidation_price(side, entry, size, collateral, rate)
    else:
        liquidation = require_positive("liquidationPrice", liquidation)
    ratio = _get(d, "marginRatio")
    if ratio is not None:
        level = 1 / float(ratio) if float(ratio) > 0 else math.inf
    elif maintenance > 0:
        level = (collateral + pnl) / maintenance
    else:
        level = math.inf
    return Position(symbol, side, size, entry, mark, mode, collateral, leverage, initial, maintenance, rate, pnl,
                    liquidation, level)


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


def _words(x: float) -> str:
    text = f"{x:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Explanation:
    """The exchange's liquidation price next to margin_lab's, with the likely reasons they differ.

    ``difference`` is (computed − exchange) / exchange; ``agree`` when its size is at most
    ``tolerance``. ``alternative`` is margin_lab's price on the other basis.
    """

    symbol: str
    side: Side
    margin_mode: MarginMode
    exchange_price: float | None
    computed_price: float | None
    alternative_price: float | None
    collateral: float
    maintenance_rate: float
    basis: Basis
    difference: float | None
    agree: bool
    reasons: tuple[str, ...]
    tolerance: float = 0.001

    def summary(self) -> str:
        """Plain text for the learner (see :func:`explain_position`)."""
        on = "on the entry value" if self.basis is Basis.ENTRY else "on the value at the mark price"
        computed = "no liquidation price (the collateral covers the whole fall)" if self.computed_price is None \
            else f"{self.computed_price:,.2f}"
        source = f"from collateral {_words(self.collateral)} and maintenance {self.maintenance_rate * 100:g} % {on}"
        if self.exchange_price is None:
            return f"Your exchange gives no liquidation price; margin_lab computes {computed} {source}."
        head = f"Your exchange says {_words(self.exchange_price)}; margin_lab computes {computed} {source}"
        if self.agree:
            return f"{head}: they agree ({abs(self.difference) * 100:.2f} %)."
        gap = "" if self.difference is None else f" by {abs(self.difference) * 100:.2f} %"
        return "\n".join([f"{head}: they differ{gap}. Likely reasons:", *(f"- {r}" for r in self.reasons)])


def explain_position(d: Mapping, basis: str | Basis | None = None, tolerance: float = 0.001) -> Explanation:
    """Recompute a CCXT position's liquidation price and compare it with the exchange's.

    Parameters
    ----------
    d : dict
        A CCXT unified position (see :func:`position_from_ccxt`).
    basis : "mark", "entry" or None
        What the maintenance rate is charged on; None picks the basis closer to the exchange's
        number (the mark basis when the exchange gives none).
    tolerance : float
        Largest relative difference still called agreement (0.001 = 0.1 %).

    Notes
    -----
    Uses REFERENCE.md §1 with the dict's collateral, one maintenance rate and no fees. Taught in
    the lesson that reads a learner's own exchange screen.

    Examples
    --------
    Bybit USDT isolated (REFERENCE.md §1): long 1 BTC at 20,000, 50x, 0.5 % maintenance:

    >>> bybit = {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1, "entryPrice": 20_000,
    ...          "leverage": 50, "collateral": 400, "maintenanceMarginPercentage": 0.005,
    ...          "liquidationPrice": 19_700, "marginMode": "isolated"}
    >>> print(explain_position(bybit).summary())
    Your exchange says 19,700; margin_lab computes 19,700.00 from collateral 400 and maintenance
    0.5 % on the entry value: they agree (0.00 %).
    """
    position = position_from_ccxt(d)
    tolerance = require_fraction("tolerance", tolerance)
    raw = _get(d, "liquidationPrice")
    exchange = float(raw) if raw else None
    prices = {b: liquidation_price(position.side, position.entry_price, position.size, position.collateral,
                                   position.maintenance_rate, basis=b) for b in Basis}
    if basis is not None:
        chosen = require_choice("basis", basis, Basis)
    elif exchange is None:
        chosen = Basis.MARK
    else:
        chosen = min(Basis, key=lambda b: math.inf if prices[b] is None else abs(prices[b] - exchange))
    computed = prices[chosen]
    other = prices[Basis.ENTRY if chosen is Basis.MARK else Basis.MARK]
    difference = None if exchange is None or computed is None else (computed - exchange) / exchange
    agree = difference is not None and abs(difference) <= tolerance
    reasons = () if agree or exchange is None else _reasons(position, exchange, computed, other, chosen)
    return Explanation(position.symbol, position.side, position.margin_mode, exchange, computed, other,
                       position.collateral, position.maintenance_rate, chosen, difference, agree, reasons, tolerance)


def _reasons(p: Position, exchange: float, computed: float | None, other: float | None,
             basis: Basis) -> tuple[str, ...]:
    # Closer to the entry than margin_lab's price means the exchange holds back more.
    tighter = computed is None or p.side.sign * (exchange - computed) > 0
    fees = ("fees: some venues count the closing taker fee in the requirement (Gate, OKX), which moves the "
            "liquidation price toward the entry")
    tiers = ("tiers: a large position pays a higher maintenance rate minus a maintenance amount for its notional "
             "bracket; the dict gives one rate only")
    cross = ("cross collateral: in cross mode the whole wallet, less the other positions' maintenance and plus "
             "their unrealised P&L, backs the position, not only the collateral shown")
    added = "collateral: margin added or removed, funding and fees paid since opening change what backs it"
    on = "entry value" if basis is Basis.MARK else "value at the mark"
    alt = "none" if other is None else f"{other:,.2f}"
    basis_reason = f"mark vs entry basis: charged on the {on} instead, margin_lab computes {alt}"
    ordered = [fees, tiers, basis_reason, added] if tighter else [tiers, added, basis_reason]
    if p.margin_mode is MarginMode.CROSS:
        ordered.insert(0, cross)
    return tuple(ordered)
