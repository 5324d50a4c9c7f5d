"""Private: the checks and terms every opening shares, linear (``_orders``) or inverse
(``_inverse_orders``): the maintenance schedule, the leverage within the venue's and the bracket's
maximum, the mode offered, and the initial margin rate a holding carries.

References
----------
docs/reference.md §6 (Binance USDⓈ-M leverage brackets: the maximum leverage falls as the notional grows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._checks import require_leverage
from .model import MarginMode, Venue
from .tiers import MaintenanceSchedule, as_schedule

__all__ = ["opening_terms", "initial_rate", "highest_leverage", "check_bracket", "Units", "check_isolated_collateral"]

_ISOLATED, _CROSS = MarginMode.ISOLATED, MarginMode.CROSS


def opening_terms(book: Any, mode: MarginMode, maintenance, leverage) -> tuple[MaintenanceSchedule, float | None]:
    """The checks every opening shares, linear or inverse: the maintenance (the venue's schedule
    when None), the leverage within the venue's maximum, the mode offered by the venue."""
    venue = book.venue
    if maintenance is None:
        maintenance = venue.maintenance
        if maintenance is None:
            raise ValueError(f"maintenance must be a rate or a MaintenanceSchedule: {venue.name} has no default "
                             f"schedule, got None")
    schedule = as_schedule(maintenance)
    if leverage is not None:
        leverage = require_leverage(leverage, venue.max_leverage, hint=f"the maximum on {venue.name}")
    if not (venue.isolated_available if mode is _ISOLATED else venue.cross_available):
        raise ValueError(f"margin_mode {mode.value!r} is not available on {venue.name}")
    return schedule, leverage


def initial_rate(venue: Venue, mode: MarginMode, leverage: float | None, collateral: float, value: float,
                 schedule: MaintenanceSchedule | None = None) -> float:
    """A holding's initial margin as a fraction of its entry ``value`` (Q·EP, or Q_usd/EP coins):
    1/leverage when a leverage was chosen, else collateral/value (isolated) or, in cross, 1 over the
    most leverage the value may carry (the venue's maximum, or its bracket's in ``schedule`` if lower)."""
    if leverage is not None:
        return 1 / leverage
    if mode is _ISOLATED:
        return collateral / value
    return 1 / (venue.max_leverage if schedule is None else highest_leverage(venue, schedule, value))


def highest_leverage(venue, schedule, notional: float) -> float:
    """The most leverage a notional may carry: the venue's maximum, or its bracket's if lower.

    A cross position opened without a leverage counts its initial margin at this leverage.
    """
    cap = schedule.tier(notional).max_leverage
    return venue.max_leverage if cap is None else min(venue.max_leverage, cap)


def check_bracket(venue, schedule, notional: float, leverage: float, implied: bool = False) -> None:
    """A leverage above the maximum of the bracket the notional falls in is refused, as the venue does.

    Binance lowers the maximum leverage as the notional grows (its leverage and margin brackets,
    docs/reference.md); margin_lab.studies.venues.venue_comparison shows such a position as not
    offered, so the account opens none either. A bracket without a maximum limits nothing here.
    """
    tier = schedule.tier(notional)
    if tier.max_leverage is None or leverage <= tier.max_leverage * (1 + 1e-9):
        return
    what = f"an implied leverage (size·entry_price/collateral) of {leverage:.4g}" if implied else f"{leverage:g}"
    raise ValueError(f"leverage must be <= {tier.max_leverage:g}, the maximum of the bracket a notional of "
                     f"{notional:,.2f} falls in on {venue.name} (from {tier.floor_notional:,.0f}), got {what} "
                     f"(lower the leverage or the size)")


@dataclass(frozen=True)
class Units:
    """How an opening's or a close's messages name sizes, values and amounts: ``value_formula`` is
    the entry value in the wallet's unit ("size·entry_price", or "size_usd/entry_price" in a coin
    wallet), ``coin`` the wallet's unit when amounts are in a coin ("" in a quote wallet)."""

    value_formula: str = "size·entry_price"
    coin: str = ""

    def amount(self, value: float) -> str:
        """An amount as the refusal prints it: 2 decimals in quote, 8 significant digits in a coin."""
        return f"{value:.8g} {self.coin}" if self.coin else f"{value:,.2f}"

    def size(self, quantity: float) -> str:
        """A position size: base units in a quote wallet, a face value in USD in a coin wallet."""
        return f"{quantity:,.2f} USD" if self.coin else f"{quantity:g}"

    def hint(self, otherwise: str) -> str:
        """A coin wallet reminds that collateral is in the coin; a quote wallet says ``otherwise``."""
        return f" (collateral is in {self.coin}, not USD)" if self.coin else otherwise


def check_isolated_collateral(book: Any, value: float, collateral: float, leverage: float | None, fees: float,
                              units: Units = Units()) -> None:
    """An isolated opening's collateral: at least value/leverage when a leverage is chosen, an
    implied leverage value/collateral within the venue's maximum when none is, and no more than
    the free balance after fees. ``value`` is the entry value in the wallet's unit."""
    cap = book.venue.max_leverage
    if leverage is not None and collateral < value / leverage * (1 - 1e-9):
        raise ValueError(f"collateral must be >= {units.value_formula}/leverage = {units.amount(value / leverage)} at "
                         f"leverage {leverage:g}, got {collateral!r}"
                         + units.hint(" (add collateral or raise the leverage)"))
    if leverage is None and value / collateral > cap * (1 + 1e-9):
        raise ValueError(f"collateral must be >= {units.amount(value / cap)} ({units.value_formula} / the maximum "
                         f"leverage {cap:g} on {book.venue.name}), got {collateral!r}: an implied leverage of "
                         f"{value / collateral:.4g}")
    free = book.free_balance()
    if collateral + fees > free:
        raise ValueError(f"collateral must be <= the free balance {units.amount(free)} minus fees "
                         f"{units.amount(fees)} = {units.amount(free - fees)}, got {collateral!r}" + units.hint(""))
