"""The most a plan can lose on any price path, and the small facts about its legs it needs.

An isolated leg loses at most its collateral; a cross leg can take the whole wallet
(REFERENCE.md §3). The scenario study (:mod:`margin_lab.studies.capstone`) and the capstone
check (:mod:`margin_lab.exercises.capstone`) both stand on this one definition.
"""

from __future__ import annotations

import math

from ._checks import require_text
from .account import Account
from .margin import initial_margin
from .model import MarginMode
from .paths import ASSET_DEFAULTS
from .portfolio import Leg, Portfolio

__all__ = ["leg_asset", "leg_collateral", "leg_entry_price", "require_portfolio", "worst_case_loss"]


def leg_asset(symbol: str) -> str:
    """The scenario asset a leg's symbol trades: its leading asset name.

    >>> leg_asset("BTCUSDT"), leg_asset("eth")
    ('BTC', 'ETH')
    """
    upper = require_text("symbol", symbol).strip().upper()
    for name in sorted(ASSET_DEFAULTS, key=len, reverse=True):
        if upper.startswith(name):
            return name
    known = ", ".join(sorted(ASSET_DEFAULTS))
    raise ValueError(f"symbol must start with an asset the scenarios move ({known}), got {symbol!r} "
                     "(e.g. 'BTC' or 'BTCUSDT')")


def require_portfolio(plan: object) -> Portfolio:
    """``plan`` itself when it is a Portfolio, else TypeError naming it."""
    if not isinstance(plan, Portfolio):
        raise TypeError(f"plan must be a Portfolio of Legs (ml.Portfolio(10_000, legs=(ml.Leg(...), ...))), "
                        f"got {plan!r}")
    return plan


def leg_entry_price(leg: Leg) -> float:
    """The leg's entry price, or its asset's default start price (quote per base unit) when it has none.

    >>> leg_entry_price(Leg("BTC", "long", 1, 10, entry_price=25_000)), leg_entry_price(Leg("BTC", "long", 1, 10))
    (25000, 20000.0)
    """
    return leg.entry_price or ASSET_DEFAULTS[leg_asset(leg.symbol)].start_price


def leg_collateral(leg: Leg) -> float:
    """The collateral an isolated leg opens with: its own, or its initial margin Q·EP / L.

    >>> leg_collateral(Leg("BTC", "long", 1, 10, entry_price=20_000)), leg_collateral(Leg("BTC", "long", 1, 10, collateral=3_000))
    (2000.0, 3000)
    """
    return leg.collateral or initial_margin(leg.size, leg_entry_price(leg), leg.leverage)


def worst_case_loss(plan: Portfolio) -> float:
    """The most ``plan`` can lose on any price path, in quote currency.

    All isolated: the collateral of every leg plus the fees paid to open them (an isolated leg
    loses at most its collateral; the wallet outside it is never touched). One cross leg or
    more: the whole wallet, since the cross pool is the wallet and isolated legs can be
    liquidated too (the engine never takes the wallet below zero: the venue's insurance fund
    covers the rest).

    Notes
    -----
    With no stop-losses or take-profits: a stop that fires pays a closing fee on top.
    Taught in lessons/08_capstone.ipynb (REFERENCE.md §3: "only the isolated amount is at risk:
    right, plus fees").

    Examples
    --------
    A 10x BTC long (1 at 20,000: 2,000 collateral) and a 5x ETH long (5 at 1,000: 1,000) with a
    0.05 % taker fee on the 25,000 opened: 3,000 + 12.50.

    >>> from margin_lab.replay import Leg, Portfolio
    >>> legs = (Leg("BTC", "long", 1, 10), Leg("ETH", "long", 5, 5))
    >>> worst_case_loss(Portfolio(10_000, legs, fee_rate=0.0005))
    3012.5
    >>> worst_case_loss(Portfolio(10_000, legs[:1] + (Leg("ETH", "long", 5, 5, mode="cross"),)))
    10000.0
    """
    plan = require_portfolio(plan)
    if any(leg.mode is MarginMode.CROSS for leg in plan.legs):
        return float(plan.balance)
    account = Account(plan.balance, fee_rate=plan.fee_rate, venue=plan.venue)
    for leg in plan.legs:
        account.open_isolated(leg.symbol, leg.side, leg.size, leg_entry_price(leg), leg_collateral(leg), leg.maintenance,
                              leg.leverage)
    held = [p.collateral for p in account.positions.values()]
    return math.fsum([*held, -account.ledger_summary()["fee"]])
