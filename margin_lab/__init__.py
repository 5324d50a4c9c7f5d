"""margin_lab: the calculations and pictures behind the margin-lab course.

``import margin_lab`` loads only NumPy-free pure Python and the standard library; plots and
widgets import matplotlib and ipywidgets when first asked for.
"""

from __future__ import annotations

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
from .tiers import MaintenanceSchedule, Tier, tiered_liquidation_price

__version__ = "0.1.0"

__all__ = [
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
]
