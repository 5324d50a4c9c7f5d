"""The position manager of lesson 4: one isolated position replayed through a path with the
learner's actions (add margin on day N, reduce on day M, a stop-loss, a funding rate).

The factory builds the controls and an :class:`~margin_lab.widgets._kit.Explorer` whose
callback calls :func:`margin_lab.plots.managed_position` and draws it with
:func:`margin_lab.plots.draw_managed_position`. The position and the wallet are the factory's
arguments; the controls move the path and the plan.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .._checks import require_choice, require_count, require_numbers, require_positive, require_texts
from ..model import Side
from ..plots.manage import draw_managed_position
from ..studies.manage import managed_position
from ._kit import Explorer, dropdown, slider

__all__ = ["position_manager_explorer"]

_PATHS = [
    ("Dip: falls 15 %, then recovers", "dip"),
    ("Flat price (only funding moves)", "flat"),
    ("Crash (stylised March 2020)", "crash"),
    ("Grind down (stylised 2022)", "grind"),
    ("Short squeeze (stylised)", "squeeze"),
    ("Whipsaw (stylised chop)", "whipsaw"),
    ("Random path (seeded)", "random"),
]


_SEED_TIP = "Which random path: the same seed always gives the same path"
_ADD_DAY_TIP = "The day (at its close) you move extra collateral into the position"
_REDUCE_DAY_TIP = "The day (at its close) you close part of the position"


def _sync_idle(controls: dict[str, Any], changed: set[str]) -> None:
    """Grey out a control that cannot change anything now, and say why in its tooltip: the seed
    unless the path is random, an action's day while that action's amount is 0."""
    idle = {
        "seed": (controls["path"].value != "random", _SEED_TIP,
                 "only the random path uses a seed: choose 'Random path' to use it"),
        "add_margin_day": (controls["add_margin"].value == 0, _ADD_DAY_TIP,
                           "nothing is added while the margin to add is 0: set an amount first"),
        "reduce_day": (controls["reduce_fraction"].value == 0, _REDUCE_DAY_TIP,
                       "nothing is closed while the share to close is 0 %: set a share first"),
    }
    for name, (off, tip, why) in idle.items():
        controls[name].disabled = off
        controls[name].tooltip = f"{tip} (greyed out: {why})" if off else tip


def _path_label(depth: float) -> list[tuple[str, str]]:
    return [(f"Dip: falls {depth * 100:g} %, then recovers", key) if key == "dip" else (label, key)
            for label, key in _PATHS]


def position_manager_explorer(
    *,
    path: str = "dip",
    leverage: float = 10,
    add_margin_day: int = 1,
    add_margin: float = 0.0,
    reduce_day: int = 1,
    reduce_fraction: float = 0.0,
    stop_loss: float = 0.0,
    funding_rate: float = 0.0,
    seed: int = 7,
    side: str = "long",
    entry_price: float = 20_000,
    size: float = 1,
    balance: float = 10_000,
    maintenance_rate: float = 0.005,
    days: int = 60,
    depth: float = 0.15,
    max_leverage: float = 50,
    base: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Replay an isolated position through a path and manage it day by day (lesson 4).

    Controls: ``path`` (dip, flat, crash, grind, squeeze, whipsaw, random), ``seed`` (used by
    the random path only), ``leverage`` (2 to ``max_leverage``), ``add_margin_day`` and
    ``add_margin`` (0 = no action), ``reduce_day`` and ``reduce_fraction`` (0 = none, 100 % =
    close), ``stop_loss`` (a price; 0 = none), ``funding_rate`` (per 8 hours, −0.1 % to 0.1 %).
    A control that cannot change anything is greyed out, its tooltip saying why: the seed
    unless the path is random, an action's day while its amount is 0.
    The arguments of the same names are the starting values; the others (the side, the
    position, the wallet, the maintenance rate, the path's length and the dip's depth) stay
    fixed. Adding more margin than the wallet holds, or a stop on the wrong side of the entry,
    is refused in the status line. Figure: :func:`margin_lab.plots.draw_managed_position`.

    Examples
    --------
    >>> explorer = position_manager_explorer()
    >>> explorer
    Position manager (9 controls)
    >>> explorer.result.outcome
    'liquidated'
    >>> explorer.set(add_margin=1_100)
    >>> explorer.result.outcome, round(explorer.result.liquidation_prices[1], 2)
    ('open', 16984.92)
    """
    require_numbers(leverage=leverage, add_margin_day=add_margin_day, add_margin=add_margin,
                    reduce_day=reduce_day, reduce_fraction=reduce_fraction, stop_loss=stop_loss,
                    funding_rate=funding_rate, seed=seed, entry_price=entry_price, size=size, balance=balance,
                    maintenance_rate=maintenance_rate, days=days, depth=depth, max_leverage=max_leverage)
    require_texts(path=path, side=side, base=base, quote=quote)
    side = require_choice("side", side, Side)
    entry_price = require_positive("entry_price", entry_price)
    balance = require_positive("balance", balance)
    days = require_count("days", days, minimum=3)
    money = max(balance / 200, 1.0)
    stop_max = entry_price if side is Side.LONG else 2 * entry_price
    controls = {
        "path": dropdown("Price path", _path_label(depth), value=path,
                         tooltip="The daily price path the position lives through (stylised, not market data)"),
        "seed": slider("Seed (random path)", value=seed, min=0, max=99, step=1, integer=True,
                       tooltip=_SEED_TIP),
        "leverage": slider("Leverage (x)", value=leverage, min=2, max=require_positive("max_leverage", max_leverage),
                           step=1, tooltip=f"Position value / collateral at opening: at 10x, "
                                           f"{entry_price * size / 10:,.0f} {quote} backs the position"),
        "add_margin_day": slider("Add margin on day", value=add_margin_day, min=1, max=days, step=1, integer=True,
                                 tooltip=_ADD_DAY_TIP),
        "add_margin": slider(f"Margin to add ({quote})", value=add_margin, min=0, max=balance, step=money,
                             tooltip=f"Extra collateral from the wallet, {quote}; 0 = do nothing"),
        "reduce_day": slider("Reduce on day", value=reduce_day, min=1, max=days, step=1, integer=True,
                             tooltip=_REDUCE_DAY_TIP),
        "reduce_fraction": slider("Share to close", value=reduce_fraction, min=0, max=1, step=0.05,
                                  readout_format=".0%",
                                  tooltip="Share of the size closed at that day's close; 0 = none, 100 % = close it"),
        "stop_loss": slider(f"Stop-loss ({quote}, 0 = none)", value=stop_loss, min=0, max=stop_max,
                            step=entry_price / 200,
                            tooltip=f"Price that closes the position; a {side.value}'s stop must be "
                                    f"{'below' if side is Side.LONG else 'above'} the entry, and it fires only if the "
                                    "price reaches it before the liquidation price"),
        "funding_rate": slider("Funding per 8 h", value=funding_rate, min=-0.001, max=0.001, step=0.00005,
                               readout_format=".3%",
                               tooltip="Funding rate per 8-hour interval; longs pay shorts when it is positive"),
    }
    compute = partial(managed_position, side=side, entry_price=entry_price, size=size, balance=balance,
                      maintenance_rate=maintenance_rate, days=days, depth=depth, base=base, quote=quote)
    return Explorer("Position manager", controls, compute, draw_managed_position, sync=_sync_idle)
