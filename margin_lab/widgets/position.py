"""Explorers for lessons 1-3: one position, its equity, what it risks, where it is liquidated.

Each factory builds controls, then an :class:`~margin_lab.widgets._kit.Explorer` whose callback
calls a compute function of :mod:`margin_lab.plots` and the matching ``draw_*``. The settings a
factory takes as arguments stay fixed; the controls move the rest.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .._checks import require_fee_rate, require_numbers, require_positive, require_range, require_texts
from ..model import Basis
from ..studies.liquidation import liquidation_path
from ..plots.position import draw_equity_curve, draw_isolated_allocation, draw_liquidation_path
from ..studies.position import equity_curve, isolated_allocation
from ..venues import VENUES, maintenance_for
from ..venues import venue as _preset
from ._kit import Explorer, dropdown, slider, toggle

__all__ = ["leverage_explorer", "isolated_setup_explorer", "liquidation_explorer"]

_SIDES = [("Long", "long"), ("Short", "short")]
_SIDE_TIPS = ["Long: gains when the price rises", "Short: gains when the price falls"]


def _side(value: str) -> Any:
    return toggle("Side", _SIDES, value=value, tooltip="Direction of the position", tooltips=_SIDE_TIPS)


def _leverage(value: float, max_leverage: float) -> Any:
    max_leverage = require_range("max_leverage", max_leverage, 1, 1000)
    return slider("Leverage (x)", value=value, min=1, max=max_leverage, step=1,
                  tooltip="Position value / collateral: at 10x, 2,000 USDT backs a 20,000 USDT position")


def leverage_explorer(
    *,
    side: str = "long",
    leverage: float = 10,
    mark_price: float = 19_000,
    entry_price: float = 20_000,
    size: float = 1,
    maintenance_rate: float = 0.005,
    max_leverage: float = 100,
    base: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Leverage and mark-price sliders (and the side) driving one position's equity (lesson 1).

    The position is fixed (``size`` at ``entry_price``) and the leverage sets its collateral,
    the initial margin Q·EP / L, as on an order form. Fixing the position rather than the
    collateral keeps the P&L of a price move the same at every leverage, so what the slider
    changes is only the cushion in front of it: equity, margin level and the liquidation price.

    Controls: ``side``, ``leverage`` (1 to ``max_leverage``), ``mark_price`` (entry ± 25 %).
    Figure: :func:`margin_lab.plots.draw_equity_curve`.

    Examples
    --------
    >>> explorer = leverage_explorer()
    >>> explorer
    Leverage explorer (3 controls)
    >>> explorer.set(leverage=20)
    >>> explorer.result.collateral, explorer.result.equity
    (1000.0, 0.0)
    """
    require_numbers(leverage=leverage, mark_price=mark_price, entry_price=entry_price, size=size,
                    maintenance_rate=maintenance_rate, max_leverage=max_leverage)
    require_texts(side=side, base=base, quote=quote)
    entry_price = require_positive("entry_price", entry_price)
    controls = {
        "side": _side(side),
        "leverage": _leverage(leverage, max_leverage),
        "mark_price": slider(
            f"Mark price ({quote})", value=mark_price, min=round(entry_price * 0.75, 8),
            max=round(entry_price * 1.25, 8), step=entry_price * 0.0025,
            tooltip=f"The mark (fair) price venues value the position at; entry {entry_price:,.0f}",
        ),
    }
    compute = partial(equity_curve, entry_price=entry_price, size=size, maintenance_rate=maintenance_rate,
                      base=base, quote=quote)
    return Explorer("Leverage explorer", controls, compute, draw_equity_curve)


def isolated_setup_explorer(
    *,
    balance: float = 10_000,
    collateral: float = 2_000,
    leverage: float = 10,
    side: str = "long",
    entry_price: float = 20_000,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0005,
    max_balance: float = 100_000,
    max_leverage: float = 100,
    base: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Wallet balance, collateral allocated and leverage -> what is at risk and what is not (lesson 2).

    At risk: the collateral plus the opening fee; not at risk: the rest of the wallet. The
    liquidation price and the cushion left there come with it. Allocating more than the wallet
    holds is refused in the status line.

    Controls: ``balance``, ``collateral`` (both 0 to ``max_balance``), ``leverage``.
    Figure: :func:`margin_lab.plots.draw_isolated_allocation`.

    Examples
    --------
    >>> explorer = isolated_setup_explorer()
    >>> explorer.result.at_risk, explorer.result.not_at_risk
    (2010.0, 7990.0)
    >>> explorer.set(collateral=12_000)
    >>> explorer.status_text.startswith("⚠ Not drawn: collateral must be <=")
    True
    """
    require_numbers(balance=balance, collateral=collateral, leverage=leverage, entry_price=entry_price,
                    maintenance_rate=maintenance_rate, fee_rate=fee_rate, max_balance=max_balance,
                    max_leverage=max_leverage)
    require_texts(side=side, base=base, quote=quote)
    require_fee_rate("fee_rate", fee_rate)
    max_balance = require_positive("max_balance", max_balance)
    step = max_balance / 200
    controls = {
        "balance": slider(f"Wallet balance ({quote})", value=balance, min=step, max=max_balance, step=step,
                          tooltip="Everything in the futures wallet before opening the position"),
        "collateral": slider(
            f"Collateral ({quote})", value=collateral, min=step / 5, max=max_balance, step=step / 5,
            tooltip="Isolated margin moved from the wallet into this one position",
        ),
        "leverage": _leverage(leverage, max_leverage),
    }
    compute = partial(isolated_allocation, side=side, entry_price=entry_price, maintenance_rate=maintenance_rate,
                      fee_rate=fee_rate, base=base, quote=quote)
    return Explorer("Isolated set-up explorer", controls, compute, draw_isolated_allocation)


_CUSTOM = "custom"


def _sync_preset(controls: dict[str, Any], changed: set[str], *, notional: float, tips: dict[str, str]) -> None:
    """A preset fills in (and locks) the maintenance rate and basis, their tooltips saying why
    they are greyed out; choosing it sets its fee."""
    key = controls["venue"].value
    custom = key == _CUSTOM
    preset = None if custom else _preset(key)
    for name, tip in tips.items():
        controls[name].disabled = not custom
        controls[name].tooltip = tip if preset is None else (
            f"{tip} (greyed out: the {preset.name} preset sets it to the venue's own rule; "
            "choose Custom to move it)")
    if preset is None:
        return
    leverage = controls["leverage"].value
    if leverage > preset.max_leverage:
        return  # the compute step refuses it, in the status line
    rate = maintenance_for(preset, leverage).rate(notional)
    rate_slider = controls["maintenance_rate"]
    rate_slider.max = max(rate_slider.max, rate)
    rate_slider.value = rate
    controls["basis"].value = Basis(preset.basis).value
    if "venue" in changed and "fee_rate" not in changed:
        # Gate's rate already holds its taker fee (help 27724): adding it again would count it twice.
        fee = 0.0 if "fee_in_rate" in preset.extra else preset.taker_fee_rate
        fee_slider = controls["fee_rate"]
        fee_slider.max = max(fee_slider.max, fee)
        fee_slider.value = fee


def _path(side: str, leverage: float, maintenance_rate: float, fee_rate: float, basis: str, venue: str,
          **fixed: Any) -> Any:
    preset = None if venue == _CUSTOM else venue
    return liquidation_path(side, leverage=leverage, maintenance_rate=maintenance_rate, fee_rate=fee_rate,
                            basis=basis, venue=preset, **fixed)


def liquidation_explorer(
    *,
    side: str = "long",
    leverage: float = 10,
    maintenance_rate: float = 0.005,
    fee_rate: float = 0.0,
    basis: str = "mark",
    venue: str = _CUSTOM,
    warning_level: float = 1.5,
    entry_price: float = 20_000,
    size: float = 1,
    depth: float = 0.12,
    max_leverage: float = 125,
    base: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Side, leverage, maintenance rate, fee, basis and venue preset -> the liquidation picture
    on a stylised price path (lesson 3).

    The figure draws a fall and rebound (mirrored for a short), the warning band between the
    warning level and liquidation, and the liquidation and bankruptcy prices; the summary gives
    entry, warning, liquidation and bankruptcy prices with their distances in percent. A preset
    locks the maintenance rate and basis to the venue's own (tiered for Binance, 0.4 / leverage
    for Kraken spot; both sliders greyed out, their tooltips saying why) and sets the fee to its
    taker fee, which stays adjustable. A maintenance rate at or above 1/leverage, or a leverage
    above the preset's maximum, is refused in the status line.

    Controls: ``side``, ``leverage``, ``maintenance_rate`` (0 to 20 %), ``fee_rate`` (0 to
    0.2 %), ``basis``, ``venue`` ("custom" or a key of :data:`margin_lab.venues.VENUES`). The
    arguments of the same names are the starting values (a preset given here keeps the
    ``fee_rate`` given here); the others stay fixed.
    Figure: :func:`margin_lab.plots.draw_liquidation_path`.

    Examples
    --------
    >>> explorer = liquidation_explorer()
    >>> explorer
    Liquidation-price explorer (6 controls)
    >>> explorer.set(venue="bybit", leverage=50, fee_rate=0.0)
    >>> explorer.result.liquidation_price, explorer.controls["basis"].value
    (19700.0, 'entry')
    """
    require_numbers(leverage=leverage, maintenance_rate=maintenance_rate, fee_rate=fee_rate,
                    warning_level=warning_level, entry_price=entry_price, size=size, depth=depth,
                    max_leverage=max_leverage)
    require_texts(side=side, basis=basis, venue=venue, base=base, quote=quote)
    require_fee_rate("fee_rate", fee_rate)
    presets = [("Custom (use the sliders)", _CUSTOM)] + [(v.name, key) for key, v in VENUES.items()]
    controls = {
        "side": _side(side),
        "leverage": _leverage(leverage, max_leverage),
        "maintenance_rate": slider(
            "Maintenance rate", value=maintenance_rate, min=0.0, max=0.2, step=0.0005, readout_format=".2%",
            tooltip="Maintenance margin as a share of the position's value (0.5 % = 0.005)",
        ),
        "fee_rate": slider("Closing fee", value=fee_rate, min=0.0, max=0.002, step=0.00005, readout_format=".3%",
                           tooltip="Taker fee reserved for closing, as a share of the value; pulls liquidation "
                                   "toward the entry"),
        "basis": toggle("Maintenance on", [("Value at mark", "mark"), ("Entry value", "entry")], value=basis,
                        tooltip="Charge maintenance on the value at the mark (Binance, Hyperliquid) or at entry "
                                "(Bybit USDT isolated, BitMEX)",
                        tooltips=["Binance, Hyperliquid: the value at the mark price",
                                  "Bybit USDT isolated, BitMEX examples: the entry value"]),
        "venue": dropdown("Venue preset", presets, value=venue,
                          tooltip="A venue's maintenance rules, basis, warning level and maximum leverage"),
    }
    compute = partial(_path, warning_level=warning_level, entry_price=entry_price, size=size, depth=depth,
                      base=base, quote=quote)
    tips = {name: controls[name].tooltip for name in ("maintenance_rate", "basis")}
    sync = partial(_sync_preset, notional=size * entry_price, tips=tips)
    return Explorer("Liquidation-price explorer", controls, compute, draw_liquidation_path, sync=sync)
