"""Figures for the course: compute -> frozen result -> ``draw_<thing>(ax, result)`` -> PNG.

A lesson cell shows a static figure with one call, which draws, displays the PNG and prints
the result's plain-language summary underneath (the result comes from :mod:`margin_lab.studies`)::

    ml.show(ml.draw_liquidation_path, ml.liquidation_path("long", leverage=20))

The house style (:mod:`margin_lab.plots._style`): 720 × 360 pixels per row, the Okabe-Ito
palette with a line style or hatch per role, titles and axis labels with units, figures made
without pyplot and rendered to byte-stable PNG; ``matplotlib.rcParams`` is never changed.
Importing this package loads neither matplotlib nor IPython: they load when a figure is drawn.

Adding a topic: put compute code in the right lower-layer module (finance) or a
``studies/<topic>.py`` module (it has no matplotlib and is named through ``margin_lab``), the
draw functions in ``plots/<topic>.py``, and append their names to the list below (one line
each, your own lines in alphabetical order).
"""

from __future__ import annotations

from ..text import amount, number, percent, price, quantity, signed_amount
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
from .cross import draw_cross_vs_isolated, draw_leverage_settings, plot_cross_vs_isolated
from .mechanics import draw_cost_drift, draw_mark_vs_last, draw_tier_ladder
from .position import draw_equity_curve, draw_isolated_allocation, draw_liquidation_path
from .venues import draw_venue_comparison
from .manage import draw_managed_position, draw_margin_level
from .choice import draw_liquidation_curve, draw_mode_choice, draw_mode_table
from .capstone import draw_stress_scenarios, draw_stress_test
from .inverse import draw_coin_collateral, draw_collateral_replay
from .own_book import draw_own_book


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
    "draw_equity_curve",
    "draw_isolated_allocation",
    "draw_liquidation_path",
    # lesson 1: leverage table and margin conventions
    "draw_margin_conventions",
    # lesson 4: managing an isolated position
    "draw_managed_position",
    "draw_margin_level",
    # lesson 5: cross margin
    "draw_cross_vs_isolated",
    "draw_leverage_settings",
    "plot_cross_vs_isolated",
    # lesson 3: liquidation mechanics
    "draw_cost_drift",
    "draw_mark_vs_last",
    "draw_tier_ladder",
    # lesson 6: choosing a mode
    "draw_liquidation_curve",
    "draw_mode_choice",
    "draw_mode_table",
    "draw_own_book",
    # lesson 7: venues
    "draw_venue_comparison",
    # lesson 8: capstone
    "draw_stress_scenarios",
    "draw_stress_test",
    # lesson 9: collateral in the coin
    "draw_coin_collateral",
    "draw_collateral_replay",
]
