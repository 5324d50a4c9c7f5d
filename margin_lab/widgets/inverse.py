"""The collateral explorer of lesson 9: one position backed by the coin or by USDT.

Controls -> :func:`margin_lab.studies.inverse_collateral.coin_collateral` ->
:func:`margin_lab.plots.draw_coin_collateral`, through the kit's :class:`Explorer`.
"""

from __future__ import annotations

from functools import partial

from .._checks import require_positive, require_text
from ..plots.inverse import draw_coin_collateral
from ..studies.inverse_collateral import coin_collateral
from ._kit import Explorer, slider, toggle

__all__ = ["coin_collateral_explorer"]


def coin_collateral_explorer(
    *,
    collateral: str = "coin",
    side: str = "short",
    leverage: float = 5,
    entry_price: float = 88_000,
    coin_amount: float = 0.1,
    maintenance_rate: float = 0.01,
    coin: str = "BTC",
    quote: str = "USDT",
) -> Explorer:
    """Compare coin and USDT collateral for one position (lesson 9).

    Controls: ``collateral`` (the coin or its USDT value at entry, drawn in full; the other is
    drawn for comparison), ``side``, ``leverage`` (1 to 20) and ``entry_price`` (10,000 to
    150,000 USD). ``coin_amount`` coins (or their USDT value) back the position; the maintenance
    rate is charged on the value at the mark. Figure: :func:`margin_lab.plots.draw_coin_collateral`.

    Examples
    --------
    >>> explorer = coin_collateral_explorer()
    >>> explorer
    Collateral explorer (4 controls)
    >>> round(explorer.result.coin_liquidation, 2)
    108900.0
    >>> explorer.set(leverage=1)
    >>> explorer.result.coin_liquidation is None
    True
    """
    coin = require_text("coin", coin)
    quote = require_text("quote", quote)
    coin_amount = require_positive("coin_amount", coin_amount)
    controls = {
        "collateral": toggle("Collateral", [(coin, "coin"), (quote, "usdt")], value=collateral,
                             tooltip=f"What backs the position: {coin_amount:g} {coin} (an inverse contract) or "
                                     f"their value in {quote} at entry (a linear contract)"),
        "side": toggle("Side", [("Long", "long"), ("Short", "short")], value=side,
                       tooltip="Long gains when the price rises; short gains when it falls"),
        "leverage": slider("Leverage (x)", value=leverage, min=1, max=20, step=1,
                           tooltip="Position value / collateral value at entry"),
        "entry_price": slider(f"Entry (USD per {coin})", value=entry_price, min=10_000, max=150_000, step=1_000,
                              tooltip="The price the position opens at, USD per coin"),
    }
    compute = partial(coin_collateral, coin_amount=coin_amount, maintenance_rate=maintenance_rate, coin=coin,
                      quote=quote)
    return Explorer("Collateral explorer", controls, compute, draw_coin_collateral)
