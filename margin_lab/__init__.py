"""margin_lab: the calculations and pictures behind the margin-lab course.

``import margin_lab`` loads the formulas, the account engine and the venue presets (pure
Python). Simulation (NumPy), plots (matplotlib) and widgets (ipywidgets) load on first use:
``margin_lab.liquidation_explorer`` imports its module the first time it is named.
"""

from __future__ import annotations

import importlib

from .about import about, check_setup, widget_demo
from .account import Account, generic_venue
from .closed_form import liquidation_probability_exact
from .from_exchange import Explanation, explain_position, position_from_ccxt, position_to_ccxt
from .inverse import (
    inverse_bankruptcy_price,
    inverse_equity_usd,
    inverse_initial_margin,
    inverse_liquidation_price,
    inverse_maintenance_margin,
    inverse_position_equity,
    inverse_tiered_liquidation_price,
    inverse_unrealized_pnl,
)
from .inverse_account import InverseAccount, InversePosition
from .ledger import LedgerEntry, ledger_summary, ledger_total, money_trail
from .margin import (
    bankruptcy_price,
    effective_leverage,
    initial_margin,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_level,
    margin_level_price,
    margin_ratio,
    notional,
    position_equity,
    unrealized_pnl,
)
from .model import Basis, Event, MarginMode, Position, Side, Venue
from .replay import Action, Leg, ModeReplay, Portfolio, Replay, StepRecord, compare_modes, replay
from .tiers import MaintenanceSchedule, Tier, tiered_liquidation_price
from .venues import BINANCE_EXAMPLE_BRACKETS, VENUES, maintenance_for, market_symbols, venue

__version__ = "0.1.0"

# name -> module that defines it, imported on first access (PEP 562).
_LAZY: dict[str, str] = {
    **dict.fromkeys(["PricePaths", "gbm_paths", "jump_diffusion_paths", "correlated_paths", "ASSET_DEFAULTS"],
                    "margin_lab.paths"),
    **dict.fromkeys(["liquidation_probability", "simulate_modes", "PortfolioSpec", "LegSpec", "Jumps",
                     "ModeComparison", "ModeRisk"], "margin_lab.simulate"),
    **dict.fromkeys(["OwnLeg", "own_book", "coin_defaults", "GAPS", "book_table", "example_book"],
                    "margin_lab.studies.own_book"),
    **dict.fromkeys(["DailyCheck", "daily_check"], "margin_lab.studies.daily_check"),
    **dict.fromkeys(["scenario", "SCENARIOS", "Candles", "load_ohlc", "sample_candles", "write_sample_csv",
                     "touched"], "margin_lab.scenarios"),  # candles live in margin_lab.candles
    **dict.fromkeys(["InverseLeg", "InversePortfolio", "InverseReplay", "replay_inverse"], "margin_lab.inverse_replay"),
    **dict.fromkeys(["CoinCollateral", "coin_collateral", "CollateralReplay", "collateral_replay"],
                    "margin_lab.studies.inverse_collateral"),
}


# Lesson-facing packages whose public names (their __all__) margin_lab also offers, lazily:
# explorers, figures, exercise checks and (module by module) the studies, so a lesson writes
# ``ml.liquidation_explorer(...)``.
_LESSON_FACING = ("margin_lab.widgets", "margin_lab.plots", "margin_lab.exercises")


def _lesson_facing_modules():
    yield from _LESSON_FACING
    import pkgutil

    from . import studies  # its modules hold the compute steps lessons call (``ml.liquidation_path``)

    for info in pkgutil.iter_modules(studies.__path__):
        yield f"margin_lab.studies.{info.name}"


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None and not name.startswith("_"):
        for candidate in _lesson_facing_modules():
            loaded = importlib.import_module(candidate)
            if name in getattr(loaded, "__all__", ()):
                module = candidate
                break
    if module is None:
        raise AttributeError(f"module 'margin_lab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "Account",
    "InverseAccount",
    "InversePosition",
    "about",
    "check_setup",
    "widget_demo",
    "Action",
    "Explanation",
    "Leg",
    "LedgerEntry",
    "ModeReplay",
    "Portfolio",
    "Replay",
    "StepRecord",
    "VENUES",
    "BINANCE_EXAMPLE_BRACKETS",
    "compare_modes",
    "liquidation_probability_exact",
    "explain_position",
    "generic_venue",
    "ledger_summary",
    "ledger_total",
    "maintenance_for",
    "money_trail",
    "position_from_ccxt",
    "position_to_ccxt",
    "replay",
    "venue",
    "market_symbols",
    "Basis",
    "Event",
    "MaintenanceSchedule",
    "MarginMode",
    "Position",
    "Side",
    "Tier",
    "Venue",
    "bankruptcy_price",
    "effective_leverage",
    "initial_margin",
    "liquidation_distance",
    "liquidation_price",
    "maintenance_margin",
    "margin_level",
    "margin_level_price",
    "margin_ratio",
    "notional",
    "position_equity",
    "tiered_liquidation_price",
    "unrealized_pnl",
    "inverse_bankruptcy_price",
    "inverse_equity_usd",
    "inverse_initial_margin",
    "inverse_liquidation_price",
    "inverse_maintenance_margin",
    "inverse_position_equity",
    "inverse_tiered_liquidation_price",
    "inverse_unrealized_pnl",
    # loaded on first use (NumPy): simulation, price paths, scenarios
    *_LAZY,
]
