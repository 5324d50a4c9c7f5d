"""Figures for the course: compute -> frozen result -> ``draw_<thing>(ax, result)`` -> PNG.

A lesson cell shows a static figure with one call, which draws, displays the PNG and prints
the result's plain-language summary underneath::

    show(draw_liquidation_path, liquidation_path("long", leverage=20))

The house style (:mod:`margin_lab.plots._style`): 720 × 360 pixels per row, the Okabe-Ito
palette with a line style or hatch per role, titles and axis labels with units, figures made
without pyplot and rendered to byte-stable PNG; ``matplotlib.rcParams`` is never changed.
Importing this package loads neither matplotlib nor IPython: they load when a figure is drawn.

Adding a topic: put compute code in the right lower-layer module (finance) or a
``plots/<topic>_data.py`` module, the draw functions in ``plots/<topic>.py``, and append the
names to the list below (one line each, your own lines in alphabetical order).
"""

from __future__ import annotations

from ._format import amount, number, percent, price, quantity, signed_amount
from ._info import AxesInfo, BarInfo, FigureInfo, LineInfo, PatchInfo, figure_info
from ._style import (
    DPI,
    FIGSIZE,
    PALETTE,
    ROLES,
    Rendered,
    display_data,
    figure_png,
    figure_text,
    fill_style,
    house_style,
    line_style,
    new_figure,
    render,
    show,
)
from .leverage import draw_margin_conventions
from .leverage_data import LeverageRow, LeverageTable, MarginConventions, leverage_table, margin_conventions
from .cross import draw_cross_vs_isolated, draw_leverage_settings, plot_cross_vs_isolated
from .cross_data import PORTFOLIOS, SCENARIO_DAYS, CrossVsIsolated, ModeTrack, ReplayMarker, cross_vs_isolated
from .cross_prices import Backstop, LeverageSettings, hyperliquid_backstop, leverage_settings
from .liquidation_data import LiquidationPath, liquidation_path, stylised_path
from .mark_price_data import MarkVsLast, mark_vs_last
from .mechanics import draw_cost_drift, draw_mark_vs_last, draw_tier_ladder
from .mechanics_data import CostDrift, DistanceTable, cost_drift, liquidation_distances
from .tier_ladder_data import TierLadder, TierPosition, tier_ladder
from .position import draw_equity_curve, draw_isolated_allocation, draw_liquidation_path
from .position_data import EquityCurve, IsolatedAllocation, equity_curve, isolated_allocation
from .venues import draw_venue_comparison
from .venues_data import COMPARED_VENUES, VenueComparison, VenueRow, VenueTable, venue_comparison, venue_label
from .manage import draw_managed_position, draw_margin_level
from .manage_data import ManagedPosition, collateral_to_survive, managed_position
from .manage_paths import MANAGE_PATHS, manage_path
from .choice import draw_liquidation_curve, draw_mode_choice, draw_mode_table
from .choice_curve_data import LiquidationCurve, liquidation_curve
from .choice_data import ModeChoice, ModeTable, mode_choice, mode_table, wallet_book
from .capstone import draw_stress_scenarios, draw_stress_test
from .inverse import draw_coin_collateral, draw_collateral_replay
from .own_book import draw_own_book
from .capstone_data import (DRAFT_PLAN, STRESS_DAYS, ScenarioLoss, ScenarioSet, StressTest, adjust_plan,
                            scenario_paths, stress_scenarios, stress_test, worst_case_loss)


__all__ = [
    # house style and rendering (the kit)
    "DPI",
    "FIGSIZE",
    "PALETTE",
    "ROLES",
    "Rendered",
    "display_data",
    "figure_png",
    "figure_text",
    "fill_style",
    "house_style",
    "line_style",
    "new_figure",
    "render",
    "show",
    # reading a figure back (tests)
    "AxesInfo",
    "BarInfo",
    "FigureInfo",
    "LineInfo",
    "PatchInfo",
    "figure_info",
    # formatting
    "amount",
    "number",
    "percent",
    "price",
    "quantity",
    "signed_amount",
    # lessons 1-3: one position
    "EquityCurve",
    "IsolatedAllocation",
    "LiquidationPath",
    "draw_equity_curve",
    "draw_isolated_allocation",
    "draw_liquidation_path",
    "equity_curve",
    "isolated_allocation",
    "liquidation_path",
    "stylised_path",
    # lesson 1: leverage table and margin conventions
    "LeverageRow",
    "LeverageTable",
    "MarginConventions",
    "draw_margin_conventions",
    "leverage_table",
    "margin_conventions",
    # lesson 4: managing an isolated position
    "MANAGE_PATHS",
    "ManagedPosition",
    "collateral_to_survive",
    "draw_managed_position",
    "draw_margin_level",
    "manage_path",
    "managed_position",
    # lesson 5: cross margin
    "Backstop",
    "CrossVsIsolated",
    "LeverageSettings",
    "ModeTrack",
    "PORTFOLIOS",
    "ReplayMarker",
    "SCENARIO_DAYS",
    "cross_vs_isolated",
    "draw_cross_vs_isolated",
    "draw_leverage_settings",
    "hyperliquid_backstop",
    "leverage_settings",
    "plot_cross_vs_isolated",
    # lesson 3: liquidation mechanics
    "CostDrift",
    "DistanceTable",
    "MarkVsLast",
    "TierLadder",
    "TierPosition",
    "cost_drift",
    "draw_cost_drift",
    "draw_mark_vs_last",
    "draw_tier_ladder",
    "liquidation_distances",
    "mark_vs_last",
    "tier_ladder",
    # lesson 6: choosing a mode
    "LiquidationCurve",
    "ModeChoice",
    "ModeTable",
    "draw_liquidation_curve",
    "draw_mode_choice",
    "draw_mode_table",
    "liquidation_curve",
    "mode_choice",
    "mode_table",
    "wallet_book",
    "draw_own_book",
    # lesson 7: venues
    "COMPARED_VENUES",
    "VenueComparison",
    "VenueRow",
    "VenueTable",
    "draw_venue_comparison",
    "venue_comparison",
    "venue_label",
    # lesson 8: capstone
    "DRAFT_PLAN",
    "STRESS_DAYS",
    "ScenarioLoss",
    "ScenarioSet",
    "StressTest",
    "adjust_plan",
    "draw_stress_scenarios",
    "draw_stress_test",
    "scenario_paths",
    "stress_scenarios",
    "stress_test",
    "worst_case_loss",
    # lesson 9: collateral in the coin
    "draw_coin_collateral",
    "draw_collateral_replay",
]
