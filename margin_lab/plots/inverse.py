"""Draw step of lesson 9: the same position backed by the coin or by USDT.

``draw_coin_collateral(ax, result)`` draws a :class:`~margin_lab.studies.inverse_collateral.CoinCollateral`
(USD equity against the price, both liquidation prices); ``draw_collateral_replay(ax, result)``
draws a :class:`~margin_lab.studies.inverse_collateral.CollateralReplay` (USD equity over the
days of a scenario). No finance here, no pyplot, no global settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import price
from ._style import PALETTE, line_style
from .axes import legend_outside, titled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..studies.inverse_collateral import CoinCollateral, CollateralReplay

__all__ = ["draw_coin_collateral", "draw_collateral_replay"]

# The comparison collateral: a second equity line in the palette's bluish green, dash-dotted.
_OTHER = {"color": PALETTE["bluish_green"], "linestyle": "-.", "linewidth": 1.8}


def _thousands(ax: "Axes", *axes: str) -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    for name in axes:
        axis = getattr(ax, f"{name}axis")
        axis.set_major_locator(MaxNLocator(nbins=5))
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def draw_coin_collateral(ax: "Axes", result: "CoinCollateral") -> None:
    """USD equity against the price under coin and USDT collateral, with the chosen collateral's
    liquidation and bankruptcy prices and the other's liquidation price.

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.inverse_collateral import coin_collateral
    >>> info = render(draw_coin_collateral, coin_collateral("short", leverage=5)).info
    >>> info.xlabel, info.ylabel
    ('Mark price (USD per BTC)', 'Equity (USD)')
    >>> round(info.line("Liquidation, BTC collateral 108,900.00").x[0], 2)
    108900.0
    """
    c, q = result.coin, result.quote
    coin_label, usdt_label = f"{c} collateral", f"{q} collateral"
    chosen_coin = result.collateral == "coin"
    coin_style = line_style("equity") if chosen_coin else _OTHER
    usdt_style = _OTHER if chosen_coin else line_style("equity")
    ax.plot(result.prices, result.coin_equity_usd, label=f"USD equity, {coin_label}", **coin_style)
    ax.plot(result.prices, result.usdt_equity, label=f"USD equity, {usdt_label}", **usdt_style)
    ax.axhline(0.0, **line_style("zero"))
    ax.axvline(result.entry_price, label=f"Entry {price(result.entry_price)}", **line_style("entry"))
    chosen, other = (coin_label, usdt_label) if chosen_coin else (usdt_label, coin_label)
    chosen_liq = result.coin_liquidation if chosen_coin else result.usdt_liquidation
    other_liq = result.usdt_liquidation if chosen_coin else result.coin_liquidation
    if chosen_liq is not None:
        ax.axvline(chosen_liq, label=f"Liquidation, {chosen} {price(chosen_liq)}", **line_style("liquidation"))
    bankruptcy = result.chosen_bankruptcy
    if bankruptcy is not None and result.prices[0] <= bankruptcy <= result.prices[-1]:
        ax.axvline(bankruptcy, label=f"Bankruptcy, {chosen} {price(bankruptcy)}", **line_style("bankruptcy"))
    if other_liq is not None and result.prices[0] <= other_liq <= result.prices[-1]:
        ax.axvline(other_liq, label=f"Liquidation, {other} {price(other_liq)}",
                   **{**line_style("liquidation"), "color": PALETTE["bluish_green"], "linestyle": ":"})
    ax.set_xlim(result.prices[0], result.prices[-1])
    titled(ax, f"{result.side.value.capitalize()} {result.size_usd:,.0f} USD at {result.leverage:g}x, "
           f"{result.coin_amount:g} {c} or {result.usdt_collateral:,.0f} {q} of collateral",
           f"Mark price (USD per {c})", "Equity (USD)")
    _thousands(ax, "x", "y")
    legend_outside(ax)


def draw_collateral_replay(ax: "Axes", result: "CollateralReplay") -> None:
    """USD equity over the days of a scenario, coin-backed and USDT-backed, with liquidations.

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.inverse_collateral import collateral_replay
    >>> info = render(draw_collateral_replay, collateral_replay("squeeze", "short", leverage=3)).info
    >>> info.xlabel, info.ylabel
    ('Time (days)', 'Equity (USD)')
    """
    c, q = result.coin, result.quote
    ax.plot(result.days, result.coin_equity_usd, label=f"{c} collateral", **line_style("equity"))
    ax.plot(result.days, result.usdt_equity, label=f"{q} collateral", **_OTHER)
    ax.axhline(0.0, **line_style("zero"))
    for day, label in ((result.coin_liquidated_day, f"{c}-backed liquidated"),
                       (result.usdt_liquidated_day, f"{q}-backed liquidated")):
        if day is not None:
            ax.plot([day], [0.0], label=f"{label}, day {day:g}", **line_style("event"))
    ax.set_xlim(result.days[0], result.days[-1])
    titled(ax, f"{result.leverage:g}x {result.side.value} through the '{result.scenario}' scenario "
           f"(stylised)",
           "Time (days)", "Equity (USD)")
    _thousands(ax, "y")
    legend_outside(ax)
