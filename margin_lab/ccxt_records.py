"""What a CCXT position record means on each venue: where its collateral and rate come from.

CCXT's unified position keys are the same on every venue, but what they hold is not. Read from
CCXT's own parsing code (the ``parse_position`` / ``parse_position_risk`` methods of
``python/ccxt/<exchange>.py`` in the ``ccxt`` 4.5.90 sdist on PyPI, read 2026-12-07):

- **Binance** (``binance``, ``binanceusdm``, ``binancecoinm``), default ``fetchPositions``
  (``positionRisk``): an isolated record's ``collateral`` is Binance's ``isolatedMargin``, the
  isolated wallet *plus* the unrealised P&L (``positionMargin`` is the wallet alone). A cross
  record's ``collateral`` is back-solved by CCXT from the liquidation price (linear and COIN-M),
  or 0 when the market's precision or the price is missing. ``maintenanceMarginPercentage``
  comes from the leverage brackets CCXT loads; the tier's maintenance amount is not in the
  record, but Binance's own ``maintMargin`` (in ``info``) is rate × notional − amount. A record
  from the ``account`` method carries a liquidation price that CCXT computed itself (the
  exchange sends none there). A record with no margin type and no isolated margin comes from a
  portfolio-margin account, whose liquidation price is account-level.
- **Bybit**: ``collateral`` = ``positionBalance`` + unrealised P&L; the rate is ``positionMM`` /
  position value, and when ``positionMM`` is missing CCXT derives it from the liquidation and
  bankruptcy prices; ``marginMode`` is None (``info.tradeMode``: 0 cross, 1 isolated).
- **OKX**: isolated ``collateral`` = ``margin`` + ``upl``; cross ``collateral`` = ``imr`` + ``upl``
  (the position's initial margin, not the account); the rate is ``mmr`` / ``notionalUsd``
  rounded to 0.01 %; OKX's liquidation price counts fees (it says it depends on the fee tier).
- **Gate**: ``collateral`` = ``margin`` + unrealised P&L; the rate is ``maintenance_margin`` /
  ``value``, and Gate's maintenance margin already includes the taker fee (or CCXT adds the
  taker fee to ``maintenance_rate`` when it rebuilds it): the fee is in the rate.
- **Hyperliquid**: no maintenance rate in the record; Hyperliquid's is 1/(2·maxLeverage)
  (REFERENCE.md §1), with ``maxLeverage`` in ``info.position``. Isolated ``collateral`` =
  ``marginUsed``, which includes the unrealised P&L; cross ``collateral`` is the margin used.
- **Bitget**: isolated ``collateral`` = ``marginSize`` + unrealised P&L; rate ``keepMarginRate``.
- **Kraken Futures**: CCXT leaves collateral, maintenance and liquidation price empty.
- **BitMEX**, **CoinEx**: not in that sdist; records are read as given.

Inverse (coin-margined) records: ``contracts`` × ``contractSize`` is the face value in USD and
the collateral is in the coin (REFERENCE.md §1b).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._checks import require_choice, require_fraction, require_non_negative, require_positive, require_text
from .model import Basis, MarginMode, Side, Venue
from .venues import venue_keys

__all__ = ["CCXT_IDS", "PRESET_CCXT_IDS", "Reading", "read_record", "read_number", "ccxt_id"]

CCXT_IDS = ("binance", "binanceusdm", "binancecoinm", "bybit", "okx", "gate", "hyperliquid", "bitmex",
            "krakenfutures", "bitget", "coinex")
# margin_lab preset key -> the CCXT exchange whose records that venue's positions arrive as.
PRESET_CCXT_IDS = {"binance_usdm": "binanceusdm", "binance_coinm": "binancecoinm", "bybit": "bybit",
                   "bitmex": "bitmex", "hyperliquid": "hyperliquid", "kraken_derivatives": "krakenfutures",
                   "gate": "gate", "okx": "okx", "bitget": "bitget", "coinex": "coinex"}
_BINANCE = ("binance", "binanceusdm", "binancecoinm")
# Venues whose CCXT isolated collateral includes the unrealised P&L (see the module docstring).
_PNL_IN_COLLATERAL = (*_BINANCE, "bybit", "okx", "gate", "hyperliquid", "bitget")
_GATE_TAKER_FEE = 0.00075  # CCXT's default for Gate futures when the market gives none (gate.py parse_position)
_NAMES = {"binance": "Binance", "binanceusdm": "Binance USDⓈ-M", "binancecoinm": "Binance COIN-M",
          "bybit": "Bybit", "okx": "OKX", "gate": "Gate", "hyperliquid": "Hyperliquid", "bitmex": "BitMEX",
          "krakenfutures": "Kraken Futures", "bitget": "Bitget", "coinex": "CoinEx"}


def ccxt_id(venue: str | Venue | None) -> str | None:
    """The CCXT exchange id a ``venue`` argument stands for (None: read the record as given).

    Examples
    --------
    >>> ccxt_id("binance_usdm"), ccxt_id("okx"), ccxt_id("kraken_spot"), ccxt_id(None)
    ('binanceusdm', 'okx', 'generic', None)
    """
    if venue is None:
        return None
    if isinstance(venue, Venue):  # a preset object (margin_lab.venue(key)) reads as its key
        venue = venue.key
    if not isinstance(venue, str):
        raise TypeError(f"venue must be a preset key or a CCXT exchange id, got {venue!r}")
    if venue in CCXT_IDS:
        return venue
    if venue in PRESET_CCXT_IDS:
        return PRESET_CCXT_IDS[venue]
    if venue in venue_keys():
        return "generic"
    raise ValueError(f"venue must be a preset key ({', '.join(venue_keys())}) or a CCXT exchange id "
                     f"({', '.join(CCXT_IDS)}), got {venue!r}")


@dataclass(frozen=True)
class Reading:
    """One record read the venue's way. Amounts in the settlement currency (the coin if inverse).

    ``size`` is base units (linear) or USD face value (inverse); ``collateral`` is the margin the
    position holds of its own, without unrealised P&L (None when the record gives none);
    ``account_level``: the exchange price comes from the whole account (cross, portfolio margin).
    """

    venue: str | None
    symbol: str
    side: Side
    margin_mode: MarginMode
    inverse: bool
    size: float
    entry_price: float
    mark_price: float
    collateral: float | None
    maintenance_rate: float
    maintenance_amount: float
    basis: Basis | None
    exchange_price: float | None
    unrealized_pnl: float
    account_level: bool
    collateral_backsolved: bool
    rate_backsolved: bool
    price_by_ccxt: bool
    notes: tuple[str, ...]


def read_number(d: Mapping, key: str, name: str | None = None) -> float | None:
    """``d[key]`` as a float (numeric strings too, as exchanges send them); None when absent or empty."""
    value = d.get(key) if isinstance(d, Mapping) else None
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"{name or key} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name or key} must be a number, got {value!r}")
    return float(value)


def _missing(key: str, what: str) -> ValueError:
    return ValueError(f"{key} is missing from the position dict: it is required ({what})")


def _is_inverse(d: Mapping, symbol: str) -> bool:
    if d.get("inverse") is not None:
        return d.get("inverse") is True
    if ":" in symbol and "/" in symbol:
        base, rest = symbol.split("/", 1)
        settle = rest.split(":", 1)[1].split("-", 1)[0]
        return settle == base
    return False


def _mode(d: Mapping, info: Mapping, venue: str | None, notes: list[str]) -> tuple[MarginMode, bool]:
    """The margin mode and whether the exchange's price is account-level."""
    raw = d.get("marginMode")
    if raw is None and venue == "bybit" and info.get("tradeMode") is not None:
        raw = "cross" if str(info.get("tradeMode")) == "0" else "isolated"
        notes.append("Bybit: margin mode read from info.tradeMode (CCXT leaves marginMode empty)")
    if raw is None and venue in _BINANCE and "liquidationPrice" in info and "isolatedMargin" not in info \
            and "marginType" not in info:
        notes.append("Binance: no margin type and no isolated margin in the record: a portfolio-margin "
                     "account, whose liquidation price is account-level")
        return MarginMode.CROSS, True
    if raw is None and venue not in (None, "generic"):
        notes.append("the record does not say the margin mode: read as cross, the account-wide case")
        return MarginMode.CROSS, True
    mode = require_choice("marginMode", raw or "isolated", MarginMode)
    return mode, mode is MarginMode.CROSS


def _rate(d: Mapping, info: Mapping, venue: str | None, notional: float | None,
          notes: list[str]) -> tuple[float, float, bool]:
    """Maintenance rate, maintenance amount and whether the rate was derived from the liquidation price."""
    if venue == "hyperliquid":
        position = info.get("position") if isinstance(info.get("position"), Mapping) else info
        max_leverage = read_number(position, "maxLeverage", "info.position.maxLeverage")
        if max_leverage is None:
            max_leverage = read_number(d, "maxLeverage")
        if max_leverage is None:
            raise _missing("info.position.maxLeverage", "Hyperliquid's maintenance rate is 1/(2·maxLeverage)")
        max_leverage = require_positive("info.position.maxLeverage", max_leverage)
        notes.append(f"Hyperliquid: maintenance rate 1/(2 × maxLeverage {max_leverage:g}) from info")
        return 1 / (2 * max_leverage), 0.0, False
    rate = read_number(d, "maintenanceMarginPercentage")
    okx_maintenance = read_number(info, "mmr", "info.mmr") if venue == "okx" else None
    if okx_maintenance is not None and notional:
        rate = okx_maintenance / notional
        notes.append("OKX: rate = info.mmr / notional, unrounded (CCXT rounds it to 0.01 %); OKX's own price also "
                     "counts the closing fee at your fee tier")
    if rate is None and venue == "gate" and read_number(info, "maintenance_rate", "info.maintenance_rate"):
        rate = read_number(info, "maintenance_rate") + _GATE_TAKER_FEE
        notes.append(f"Gate: rate = info.maintenance_rate + taker fee {_GATE_TAKER_FEE * 100:g} % (CCXT's default "
                     f"taker fee for Gate futures; yours may be lower)")
    elif venue == "gate":
        notes.append("Gate: the rate includes the taker fee (Gate's maintenance margin counts the closing fee)")
    if rate is None:
        maintenance = read_number(d, "maintenanceMargin")
        if maintenance is not None and notional:
            rate = maintenance / notional
    if rate is None:
        raise _missing("maintenanceMarginPercentage", "a fraction, 0.005 = 0.5 %; or maintenanceMargin")
    rate = require_fraction("maintenanceMarginPercentage", rate)
    amount = 0.0
    exchange_maintenance = read_number(info, "maintMargin", "info.maintMargin")
    info_notional = read_number(info, "notional") if "notional" in info else read_number(info, "notionalValue")
    if venue in _BINANCE and exchange_maintenance is not None and info_notional:
        gap = rate * abs(info_notional) - exchange_maintenance
        if gap > 1e-9 * max(exchange_maintenance, 1e-12):
            amount = gap
            notes.append(f"Binance: the tier's maintenance amount {amount:.8g} = rate × notional − info.maintMargin")
    if venue in _BINANCE and exchange_maintenance is None:
        notes.append("Binance: the record carries no maintenance amount (cum) of its tier; above the first tier "
                     "the exchange's price sits a little further from the entry")
    backsolved = venue == "bybit" and info.get("positionMM") in (None, "") and info.get("bustPrice") not in (None, "")
    if backsolved:
        notes.append("Bybit: CCXT derived the maintenance rate from the liquidation and bankruptcy prices "
                     "(info has no positionMM)")
    return rate, amount, backsolved


def _collateral(d: Mapping, info: Mapping, venue: str | None, mode: MarginMode, pnl: float,
                notes: list[str]) -> float | None:
    collateral = read_number(d, "collateral")
    if mode is MarginMode.ISOLATED and venue in _PNL_IN_COLLATERAL:
        if collateral is not None:
            notes.append(f"{_NAMES[venue]}: CCXT's isolated collateral includes the unrealised P&L; "
                         f"margin = {collateral:.8g} − ({pnl:.8g})")
            return collateral - pnl
        collateral = read_number(d, "positionMargin")
    if collateral is None:
        collateral = read_number(d, "initialMargin")
    return collateral


def read_record(d: Mapping, venue: str | Venue | None = None) -> Reading:
    """Read a CCXT unified position the way ``venue``'s parser filled it (see the module docstring).

    Raises
    ------
    ValueError
        Naming the CCXT key that is missing or out of range.

    Examples
    --------
    Hyperliquid's isolated ETH long from CCXT's ``parse_position`` comment (rate 1/(2·50)):

    >>> r = read_record({"symbol": "ETH/USDC:USDC", "side": "long", "contracts": 0.2259, "entryPrice": 2213.9,
    ...                  "collateral": 24.88097, "unrealizedPnl": 0.0, "marginMode": "isolated",
    ...                  "liquidationPrice": 2125.00856238, "info": {"position": {"maxLeverage": "50"}}},
    ...                 "hyperliquid")
    >>> r.maintenance_rate, r.collateral, r.margin_mode.value
    (0.01, 24.88097, 'isolated')
    """
    if not isinstance(d, Mapping):
        raise TypeError(f"d must be a dict with CCXT position keys, got {d!r}")
    venue = ccxt_id(venue)
    info = d.get("info") if isinstance(d.get("info"), Mapping) else {}
    notes: list[str] = []
    for key in ("symbol", "side", "contracts", "entryPrice"):
        if d.get(key) is None:
            raise _missing(key, "CCXT unified position key")
    symbol = require_text("symbol", d["symbol"])
    side = require_choice("side", d["side"], Side)
    inverse = _is_inverse(d, symbol)
    contract_size = read_number(d, "contractSize")
    size = require_positive("contracts", read_number(d, "contracts"))
    size *= 1.0 if contract_size is None else require_positive("contractSize", contract_size)
    entry = require_positive("entryPrice", read_number(d, "entryPrice"))
    mark = read_number(d, "markPrice")
    notional = read_number(d, "notional")
    if mark is None and inverse and notional:
        mark = size / abs(notional)
    mark = entry if mark is None else require_positive("markPrice", mark)
    if notional is None:
        notional = size / mark if inverse else size * mark
    notional = abs(notional)
    mode, account_level = _mode(d, info, venue, notes)
    pnl = read_number(d, "unrealizedPnl")
    if pnl is None:
        pnl = side.sign * size * (1 / entry - 1 / mark) if inverse else side.sign * size * (mark - entry)
    rate, amount, rate_backsolved = _rate(d, info, venue, notional, notes)
    collateral = _collateral(d, info, venue, mode, pnl, notes)
    leverage = read_number(d, "leverage")
    if collateral is None and leverage:
        leverage = require_positive("leverage", leverage)
        collateral = size / (entry * leverage) if inverse else size * entry / leverage
    if collateral is None and not account_level:
        raise _missing("collateral", "give collateral, positionMargin, initialMargin or leverage")
    collateral = None if collateral is None else require_non_negative("collateral", collateral)
    exchange = read_number(d, "liquidationPrice")
    exchange = require_positive("liquidationPrice", exchange) if exchange else None
    by_ccxt = venue in _BINANCE and bool(info) and "liquidationPrice" not in info and exchange is not None
    if by_ccxt:
        notes.append("Binance: this record's liquidation price was computed by CCXT (account endpoint), "
                     "not sent by the exchange")
    backsolved = venue in _BINANCE and mode is MarginMode.CROSS and "liquidationPrice" in info \
        and "crossMargin" not in info and bool(collateral)
    if backsolved:
        notes.append("Binance cross: CCXT back-solved the record's collateral from the liquidation price")
    basis = _venue_basis(venue, mode)
    return Reading(venue, symbol, side, mode, inverse, size, entry, mark, collateral, rate, amount, basis,
                   exchange, pnl, account_level, backsolved, rate_backsolved, by_ccxt, tuple(notes))


def _venue_basis(venue: str | None, mode: MarginMode) -> Basis | None:
    """Bybit isolated and BitMEX charge maintenance on the entry value (REFERENCE.md §1, §1b)."""
    if venue in (None, "generic"):
        return None
    if venue == "bitmex" or (venue == "bybit" and mode is MarginMode.ISOLATED):
        return Basis.ENTRY
    return Basis.MARK
