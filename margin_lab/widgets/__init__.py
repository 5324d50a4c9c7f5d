"""Interactive explorers and self-checks for the lessons.

Kit API for lesson authors
--------------------------
An explorer is three small pieces, each testable alone:

1. **compute**: a pure function of the control values that returns a frozen result with a
   ``summary()`` (plain sentences giving the figure's key numbers). Finance goes in a lower
   layer (``margin.py``, ``tiers.py``, ``simulate.py``...) or in ``studies/<topic>.py``;
   it raises ``ValueError`` (through ``margin_lab._checks``) for a combination it refuses.
2. **draw**: ``draw_<thing>(ax, result)`` in ``plots/<topic>.py``: no finance, no pyplot, no
   rcParams; a title, axis labels with units, a label on every line, colours and line styles
   from :func:`margin_lab.plots.line_style` / :func:`margin_lab.plots.fill_style`.
3. **factory**: ``<thing>_explorer(...)`` in ``widgets/<topic>.py`` builds controls with
   :func:`slider`, :func:`toggle` and :func:`dropdown` (each needs a description and a
   tooltip; sliders update on release) and returns ``Explorer(title, controls, compute,
   draw)``. The control names are compute's keyword arguments; settings the factory fixes
   go in with ``functools.partial``. ``sync=`` adjusts controls from others (a preset).

The :class:`Explorer` handle renders by replacing its Output widget's outputs from the kernel
with a PNG ``display_data`` (never ``interact`` or ``with output:``), so JupyterLab, nbclient
and nbval see the same thing. It has ``view``, ``controls``, ``output``, ``status``,
``summary`` (the widget), ``result``, ``set(**values)`` (set controls and re-render, for tests),
``figure_info()`` (title, labels, lines, bars of the figure on show) and a stable
``text/plain`` ("Leverage explorer (3 controls)"). A ``ValueError`` from compute shows in the
status line; the last good figure stays. A lesson cell ends with the handle to show it.

Static figures need no widget: ``show(draw_x, compute_x(...))`` from :mod:`margin_lab.plots`
displays the PNG and prints the summary. Self-checks: :func:`multiple_choice` and
:func:`predict_then_run` (handles with ``choose(option)`` and ``check()``); numeric exercises:
:mod:`margin_lab.exercises`.

Example (a whole explorer; in the library, not in a lesson)::

    >>> from functools import partial
    >>> from margin_lab import bankruptcy_price
    >>> from margin_lab.plots import line_style
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Cushion:
    ...     leverage: float
    ...     bankruptcy: float
    ...     def summary(self):
    ...         return f"At {self.leverage:g}x the long is bankrupt at {self.bankruptcy:,.2f}."
    >>> def cushion(leverage, entry_price):
    ...     return Cushion(leverage, bankruptcy_price("long", entry_price, 1, entry_price / leverage))
    >>> def draw_cushion(ax, result):
    ...     ax.axhline(result.bankruptcy, label="Bankruptcy", **line_style("bankruptcy"))
    ...     ax.set(title="Where equity runs out", xlabel="Time (days)", ylabel="Price (USDT per BTC)")
    >>> explorer = Explorer(
    ...     "Bankruptcy explorer",
    ...     {"leverage": slider("Leverage (x)", value=10, min=1, max=50, step=1, tooltip="Value / collateral")},
    ...     partial(cushion, entry_price=20_000),
    ...     draw_cushion,
    ... )
    >>> explorer.set(leverage=20)
    >>> explorer.result.summary(), explorer.figure_info().line("Bankruptcy").y
    ('At 20x the long is bankrupt at 19,000.00.', (19000.0, 19000.0))
    >>> explorer
    Bankruptcy explorer (1 control)

Adding a topic: append your names to the lists below, one line each, your own lines in
alphabetical order. Importing this package loads neither ipywidgets nor matplotlib; they load
when the first widget or figure is made.
"""

from __future__ import annotations

from ._kit import Explorer, WidgetHandle, another_value, dropdown, slider, text_html, toggle
from .cross import cross_explorer
from .manage import position_manager_explorer
from .position import isolated_setup_explorer, leverage_explorer, liquidation_explorer
from .quiz import MultipleChoice, PredictThenRun, multiple_choice, predict_then_run
from .venues import venue_explorer
from .choice import ModeChooser, mode_choice_explorer
from .capstone import portfolio_planner_explorer
from .inverse import coin_collateral_explorer
from .own_book import OwnBookExplorer, own_book_explorer


__all__ = [
    # the kit
    "Explorer",
    "WidgetHandle",
    "another_value",
    "dropdown",
    "slider",
    "text_html",
    "toggle",
    # self-checks
    "MultipleChoice",
    "PredictThenRun",
    "multiple_choice",
    "predict_then_run",
    # lessons 1-3: one position
    "isolated_setup_explorer",
    "leverage_explorer",
    "liquidation_explorer",
    # lesson 4: managing an isolated position
    "position_manager_explorer",
    # lesson 5: cross margin
    "cross_explorer",
    # lesson 6: choosing a mode
    "ModeChooser",
    "mode_choice_explorer",
    "OwnBookExplorer",
    "own_book_explorer",
    # lesson 7: venues
    "venue_explorer",
    # lesson 8: capstone
    "portfolio_planner_explorer",
    # lesson 9: collateral in the coin
    "coin_collateral_explorer",
]
