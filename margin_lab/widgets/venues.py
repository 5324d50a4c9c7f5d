"""Explorer for lesson 7: the same position on every venue preset, side by side.

The factory builds controls, then an :class:`~margin_lab.widgets._kit.Explorer` whose callback
calls :func:`margin_lab.plots.venue_comparison` and draws it with
:func:`margin_lab.plots.draw_venue_comparison`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .._checks import require_numbers, require_positive, require_texts
from ..plots.venues import draw_venue_comparison
from ..studies.venues import COMPARED_VENUES, venue_label, venue_comparison
from ._kit import Explorer, dropdown, slider, toggle

__all__ = ["venue_explorer"]

_ALL = "all"


def _compare(side: str, leverage: float, size: float, venue: str, **fixed: Any) -> Any:
    return venue_comparison(side, leverage=leverage, size=size, selected=None if venue == _ALL else venue, **fixed)


def venue_explorer(
    *,
    side: str = "long",
    leverage: float = 5,
    size: float = 1,
    venue: str = _ALL,
    entry_price: float = 20_000,
    max_leverage: float = 100,
    max_size: float = 200,
    base: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Side, leverage, size and a venue to pick out -> the position on every venue preset (lesson 7).

    The figure draws, per venue, how far the price can move against the position before
    liquidation (labelled with the liquidation price) and the cushion left there; a venue whose
    maximum leverage is lower, or whose maintenance at this size reaches the initial margin
    (Binance's tiers), says so instead. Picking a venue colours its bar and adds its rules,
    sources and what the preset leaves out to the summary.

    Controls: ``side``, ``leverage`` (1 to ``max_leverage``), ``size`` (base units, up to
    ``max_size``: 100 BTC at 20,000 reaches Binance's higher tiers), ``venue`` ("all" or a
    preset key). The collateral is the initial margin Q·EP / L.
    Figure: :func:`margin_lab.plots.draw_venue_comparison`.

    Examples
    --------
    >>> explorer = venue_explorer()
    >>> explorer
    Venue comparison explorer (4 controls)
    >>> explorer.set(leverage=50, venue="bybit")
    >>> explorer.result.row("bybit").liquidation_price, explorer.result.row("kraken_spot").offered
    (19700.0, False)
    """
    require_numbers(leverage=leverage, size=size, entry_price=entry_price, max_leverage=max_leverage,
                    max_size=max_size)
    require_texts(side=side, venue=venue, base=base, quote=quote)
    max_size = require_positive("max_size", max_size)
    step = min(0.1, max_size / 100)
    choices = [("All venues", _ALL)] + [(venue_label(key), key) for key in COMPARED_VENUES]
    controls = {
        "side": toggle("Side", [("Long", "long"), ("Short", "short")], value=side,
                       tooltip="Direction of the position",
                       tooltips=["Long: gains when the price rises", "Short: gains when the price falls"]),
        "leverage": slider("Leverage (x)", value=leverage, min=1, max=max_leverage, step=1,
                           tooltip="Position value / collateral; each venue has its own maximum"),
        "size": slider(f"Position size ({base})", value=size, min=step, max=max_size, step=step,
                       readout_format=",.1f",
                       tooltip=f"In {base}; a larger position can fall into a higher maintenance tier"),
        "venue": dropdown("Venue", choices, value=venue,
                          tooltip="Pick one venue to see its rules and sources, or compare all"),
    }
    compute = partial(_compare, entry_price=entry_price, base=base, quote=quote)
    return Explorer("Venue comparison explorer", controls, compute, draw_venue_comparison)
