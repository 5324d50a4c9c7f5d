"""What a learner plans to hold: a :class:`Portfolio` (a wallet and its :class:`Leg` s) and the
:class:`Action` s scheduled on it. :mod:`margin_lab.replay` runs a plan through a price path.
Taught in lessons/04_managing_isolated.ipynb, 05_cross_margin.ipynb and 08_capstone.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ._checks import require_choice, require_count, require_non_negative, require_positive, require_text
from .model import MarginMode, Side, Venue
from .tiers import MaintenanceSchedule

__all__ = ["Leg", "Portfolio", "Action"]

_ACTIONS = ("add_margin", "remove_margin", "reduce", "close")


@dataclass(frozen=True)
class Leg:
    """One planned position. Amounts in quote currency, size in base units, rates as fractions.

    ``collateral`` (isolated only) defaults to the initial margin size·entry/leverage;
    ``entry_price`` defaults to the path's first price.
    """

    symbol: str
    side: Side | str
    size: float
    leverage: float
    mode: MarginMode | str = MarginMode.ISOLATED
    maintenance: float | MaintenanceSchedule = 0.005
    entry_price: float | None = None
    collateral: float | None = None
    stop_loss: float | None = None
    take_profit: float | None = None

    def __post_init__(self):
        check_leg(self, require_positive("size", self.size), ("stop_loss", "take_profit"))


def check_leg(leg, size: float, optional: tuple[str, ...] = ()) -> None:
    """The checks a planned leg runs, linear or inverse (its ``size`` checked by the caller): a
    symbol, side and mode as enums, leverage > 0, and ``entry_price``, ``collateral`` and the
    ``optional`` fields > 0 where given."""
    require_text("symbol", leg.symbol)
    object.__setattr__(leg, "side", require_choice("side", leg.side, Side))
    object.__setattr__(leg, "mode", require_choice("mode", leg.mode, MarginMode))
    require_positive("leverage", leg.leverage)
    for name in ("entry_price", "collateral", *optional):
        if getattr(leg, name) is not None:
            require_positive(name, getattr(leg, name))


@dataclass(frozen=True)
class Portfolio:
    """A wallet ``balance`` (quote currency) and the legs to open in it.

    ``add_margin_on_warning`` is a rule: at each margin call on an isolated leg, move this much
    from the wallet into it (if the wallet can).
    """

    balance: float
    legs: tuple[Leg, ...]
    fee_rate: float = 0.0
    venue: Venue | None = None
    add_margin_on_warning: float = 0.0

    def __post_init__(self):
        require_positive("balance", self.balance)
        legs = tuple(self.legs)
        inverse = [getattr(leg, "symbol", leg) for leg in legs if hasattr(leg, "size_usd")]
        if inverse:  # an InverseLeg (margin_lab.inverse_replay): its collateral is coins, this wallet quote currency
            raise ValueError(f"legs must all be linear Legs: {inverse} are inverse (coin-margined) legs, which need a "
                             f"wallet in the coin; replay them in a margin_lab.InversePortfolio of their own")
        if not legs or not all(isinstance(leg, Leg) for leg in legs):
            raise TypeError(f"legs must be a non-empty sequence of Leg, got {self.legs!r}")
        symbols = [leg.symbol for leg in legs]
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"legs must have distinct symbols (one position per symbol), got {symbols}")
        object.__setattr__(self, "legs", legs)
        require_non_negative("add_margin_on_warning", self.add_margin_on_warning)

    def in_mode(self, mode: MarginMode | str) -> "Portfolio":
        """The same legs, every one in ``mode`` (isolated collateral reset to the initial margin)."""
        mode = require_choice("mode", mode, MarginMode)
        return replace(self, legs=tuple(replace(leg, mode=mode, collateral=None) for leg in self.legs))


@dataclass(frozen=True)
class Action:
    """Something the learner does at the close of ``step``: add_margin/remove_margin (``amount``
    in quote currency), reduce (``amount`` = size in base units) or close."""

    step: int
    kind: str
    symbol: str
    amount: float = 0.0

    def __post_init__(self):
        require_count("step", self.step, minimum=1)
        if self.kind not in _ACTIONS:
            raise ValueError(f"kind must be one of {list(_ACTIONS)}, got {self.kind!r}")
        if self.kind != "close":
            require_positive("amount", self.amount)
