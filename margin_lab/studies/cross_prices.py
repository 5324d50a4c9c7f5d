"""Compute step for two lesson 5 facts about cross liquidation prices.

* :func:`leverage_settings`: the same position opened in cross at several leverage settings,
  through the account engine: its cross liquidation price does not move (equity decides),
  while an isolated position backed by its initial margin moves with every setting.
* :func:`hyperliquid_backstop`: Hyperliquid's backstop liquidation, which the account engine
  does not model (the preset lists it under ``leaves_out``): where it triggers for one cross
  position and how much cross margin it takes with the positions.

Taught in lessons/05_cross_margin.ipynb.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._checks import require_fraction, require_positive, require_range, require_text
from ..account import Account
from ..margin import backstop_price, checked_position, initial_margin, liquidation_price, position_equity
from ..model import Side
from ..venues import venue
from ..text import amount, number, percent, price, quantity

__all__ = ["LeverageSettings", "leverage_settings", "Backstop", "hyperliquid_backstop"]


@dataclass(frozen=True)
class LeverageSettings:
    """Liquidation prices of one position at several leverage settings, cross and isolated."""

    side: Side
    size: float
    entry_price: float
    balance: float
    maintenance_rate: float
    leverages: tuple[float, ...]
    cross: tuple[float | None, ...]
    isolated: tuple[float | None, ...]
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def cross_moves(self) -> bool:
        """Whether any leverage setting changed the cross liquidation price (it never should)."""
        return len({None if p is None else round(p, 6) for p in self.cross}) > 1

    def summary(self) -> str:
        """The figure's key numbers in words."""
        q = self.quote
        settings = ", ".join(f"{lev:g}x" for lev in self.leverages)
        head = (f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} "
                f"{q} from a {amount(self.balance, q)} wallet, opened at the settings {settings}.")
        if self.cross_moves:
            cross = "Cross: " + ", ".join(f"{lev:g}x {price(p)}" for lev, p in zip(self.leverages, self.cross)) + "."
        else:
            cross = (f"Cross: the liquidation price is {price(self.cross[0])} at every setting: the wallet backs "
                     "the position, and the setting only decides how much margin opening it needs.")
        isolated = ("Isolated with the initial margin as collateral: "
                    + ", ".join(f"{lev:g}x {price(p)}" for lev, p in zip(self.leverages, self.isolated))
                    + ": a higher setting posts less collateral and brings liquidation closer.")
        return "\n".join([head, cross, isolated])


def leverage_settings(
    side: str | Side = "long",
    *,
    size: float = 1,
    entry_price: float = 20_000,
    balance: float = 10_000,
    maintenance_rate: float = 0.005,
    leverages: Sequence[float] = (2, 5, 10, 20, 50),
    base: str = "BTC",
    quote: str = "USDT",
) -> LeverageSettings:
    """Open the same position at each leverage setting, cross and isolated, and read its
    liquidation price from the account engine.

    Parameters
    ----------
    side : "long" or "short"
    size : float
        Base units, > 0.
    entry_price : float
        Quote per base unit, > 0.
    balance : float
        Wallet, quote currency, > 0: at least the initial margin at the lowest setting.
    maintenance_rate : float
        Fraction of the value at the mark, below 1/leverage for every setting.
    leverages : sequence of float
        The settings, each in (0, 125] (the generic venue's maximum).
    base, quote : str
        Currency names for labels.

    Returns
    -------
    LeverageSettings

    Notes
    -----
    Cross: M = the wallet (one position), so P_liq = (EP − s·WB/Q)/(1 − s·r) whatever the
    setting; isolated: M = Q·EP/L (REFERENCE.md §1; §4 "The leverage setting moves my cross
    liquidation price"; Hyperliquid docs: the cross liquidation price does not depend on it).

    Examples
    --------
    >>> result = leverage_settings(leverages=(5, 10, 20))
    >>> [round(p, 2) for p in result.cross]
    [10050.25, 10050.25, 10050.25]
    >>> [round(p, 2) for p in result.isolated]
    [16080.4, 18090.45, 19095.48]
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    balance = require_positive("balance", balance)
    maintenance_rate = require_fraction("maintenance_rate", maintenance_rate)
    if isinstance(leverages, str) or not isinstance(leverages, Sequence) or not leverages:
        raise TypeError(f"leverages must be a non-empty sequence of numbers, got {leverages!r}")
    settings = tuple(require_range(f"leverages[{i}]", lev, 0, 125, low_open=True) for i, lev in enumerate(leverages))
    cross, isolated = [], []
    for lev in settings:
        pooled = Account(balance)
        pooled.open_cross("POSITION", side, size, entry_price, maintenance_rate, leverage=lev)
        cross.append(pooled.liquidation_price("POSITION"))
        alone = Account(balance)
        alone.open_isolated("POSITION", side, size, entry_price, initial_margin(size, entry_price, lev),
                            maintenance_rate, leverage=lev)
        isolated.append(alone.liquidation_price("POSITION"))
    return LeverageSettings(side, size, entry_price, balance, maintenance_rate, settings, tuple(cross),
                            tuple(isolated), require_text("base", base), require_text("quote", quote))


@dataclass(frozen=True)
class Backstop:
    """Where Hyperliquid's market liquidation and its backstop liquidation trigger for one cross
    position backed by the whole wallet (prices in quote per base, amounts in quote)."""

    side: Side
    size: float
    entry_price: float
    balance: float
    maintenance_rate: float
    backstop_level: float
    liquidation_price: float | None
    backstop_price: float | None
    equity_at_liquidation: float | None
    equity_at_backstop: float | None
    base: str = "BTC"
    quote: str = "USDC"

    def summary(self) -> str:
        """The numbers in words, with what the engine leaves out."""
        q = self.quote
        head = (f"Cross {self.side.value} {quantity(self.size)} {self.base} at {price(self.entry_price)} from a "
                f"{amount(self.balance, q)} wallet; maintenance {percent(self.maintenance_rate, 3)} of the value at "
                "the mark (1 / (2 x max leverage)).")
        if self.liquidation_price is None or self.backstop_price is None:
            return head + "\nNo positive price liquidates this position."
        return "\n".join([
            head,
            f"Market liquidation starts at {price(self.liquidation_price)}, where equity "
            f"{amount(self.equity_at_liquidation, q)} equals the maintenance margin.",
            f"If market liquidation has not closed it by the time the price reaches {price(self.backstop_price)} "
            f"(equity {amount(self.equity_at_backstop, q)}, "
            f"{number(self.backstop_level * 100, 1)} % of the maintenance margin), the backstop takes every cross "
            f"position and the {amount(self.equity_at_backstop, q)} of cross margin left: none of it comes back.",
            "margin_lab's account engine does not model this backstop; an isolated position would lose only its own "
            "margin.",
        ])


def hyperliquid_backstop(
    balance: float,
    size: float,
    entry_price: float,
    side: str | Side = "long",
    *,
    max_leverage: float = 40,
    base: str = "BTC",
    quote: str = "USDC",
) -> Backstop:
    """Hyperliquid's market-liquidation and backstop prices for one cross position.

    Parameters
    ----------
    balance : float
        The cross wallet (USDC), > 0; with one cross position it is all of M.
    size : float
        Base units, > 0.
    entry_price : float
        Quote per base unit, > 0.
    side : "long" or "short"
    max_leverage : float
        The asset's maximum leverage on Hyperliquid, in [1, 100]; maintenance rate 1/(2·max).
        Default 40: BTC's first margin tier (Hyperliquid docs, trading/margin-tiers, read 2026-12-07).
    base, quote : str
        Currency names for labels.

    Returns
    -------
    Backstop

    Notes
    -----
    Market liquidation: equity = r·Q·P, P_liq = (EP − s·M/Q)/(1 − s·r). The backstop starts
    below 2/3 of the maintenance margin: the same formula with r × 2/3 (the Hyperliquid preset's
    ``extra["backstop_level"]``), and it takes every cross position and all cross margin; for
    an isolated position, only that position and its margin (REFERENCE.md §2).

    References
    ----------
    Hyperliquid docs, trading/liquidations and trading/margining; REFERENCE.md §1, §2.

    Examples
    --------
    10,000 USDC backing a cross long of 5 BTC at 20,000 (10x), maintenance 1.25 % (BTC's 40x maximum):

    >>> stop = hyperliquid_backstop(10_000, 5, 20_000)
    >>> round(stop.liquidation_price, 2), round(stop.backstop_price, 2), round(stop.equity_at_backstop, 2)
    (18227.85, 18151.26, 756.3)
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    balance = require_positive("balance", balance)
    max_leverage = require_range("max_leverage", max_leverage, 1, 100, hint="the asset's maximum on Hyperliquid")
    preset = venue("hyperliquid")
    level = preset.extra["backstop_level"]
    rate = 1 / (2 * max_leverage)
    trigger = liquidation_price(side, entry_price, size, balance, rate)
    backstop = backstop_price(side, entry_price, size, balance, rate, level)
    at_trigger = None if trigger is None else position_equity(side, size, entry_price, trigger, balance)
    at_backstop = None if backstop is None else position_equity(side, size, entry_price, backstop, balance)
    return Backstop(side, size, entry_price, balance, rate, level, trigger, backstop, at_trigger, at_backstop,
                    require_text("base", base), require_text("quote", quote))
