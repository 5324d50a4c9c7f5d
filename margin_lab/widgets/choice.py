"""The mode chooser of lesson 6: a book, its leverage, the volatility and the horizon -> its risk
all isolated and in one cross pool, next to the closed-form odds for one isolated position.

The simulation reports its progress to a progress bar under the controls, so a learner sees
that something is running; a whole update (simulation and figure) takes a fraction of a second
with the default 3,000 paths.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .._checks import require_count, require_numbers, require_range, require_texts
from ..plots.choice import draw_mode_choice
from ..studies.choice import BOOK_KINDS, mode_choice
from ._kit import Explorer, dropdown, slider

__all__ = ["ModeChooser", "mode_choice_explorer"]


class ModeChooser(Explorer):
    """An :class:`~margin_lab.widgets.Explorer` with a progress bar fed by the simulation.

    Attributes
    ----------
    progress : ipywidgets.IntProgress
        Between the controls and the figure; ``value`` is the number of paths simulated so far,
        ``max`` the number asked for. After each update it stands at ``max``.
    progress_calls : int
        How many times the simulation has reported progress since the explorer was made.
    """

    def __init__(self, title: str, controls: dict[str, Any], compute: Any):
        import ipywidgets as widgets

        self.progress_calls = 0
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Paths simulated", bar_style="info",
            tooltip="How many of the simulated price paths are done",
            style={"description_width": "initial"}, layout=widgets.Layout(width="340px"),
        )
        super().__init__(title, controls, partial(compute, progress=self._advance), draw_mode_choice, ncols=2)
        heading, box, *rest = self.view.children
        self.view.children = (heading, box, self.progress, *rest)

    def _advance(self, done: int, total: int) -> None:
        self.progress_calls += 1
        self.progress.max = total
        self.progress.value = done


def mode_choice_explorer(
    *,
    kind: str = "independent",
    leverage: float = 5,
    annual_volatility: float = 0.6,
    days: int = 30,
    n_paths: int = 3_000,
    seed: int = 6,
    capital: float = 3_000,
    maintenance_rate: float = 0.005,
    max_leverage: float = 50,
    max_days: int = 90,
) -> ModeChooser:
    """The mode chooser: book, leverage, volatility and horizon -> risk in both modes (lesson 6).

    Controls: ``kind`` (one big long, three unrelated longs, three correlated longs, a hedged
    pair), ``leverage`` (1 to ``max_leverage``), ``annual_volatility`` (10 % to 150 % a year),
    ``days`` (1 to ``max_days``). The settings passed here stay fixed: ``n_paths`` (2,000 to
    4,000 keeps an update quick), ``seed`` (so the same settings give the same numbers),
    ``capital`` and ``maintenance_rate``.

    Figure: :func:`margin_lab.plots.draw_mode_choice`; compute:
    :func:`margin_lab.plots.mode_choice`, with a progress bar fed by the simulation's
    ``progress(done, total)`` callback.

    Examples
    --------
    >>> chooser = mode_choice_explorer(n_paths=1_000)
    >>> chooser
    Mode chooser (4 controls)
    >>> chooser.set(kind="hedged")
    >>> chooser.result.cross.liquidation_probability < 0.01, chooser.progress.value
    (True, 1000)
    """
    require_numbers(leverage=leverage, annual_volatility=annual_volatility, days=days, n_paths=n_paths, seed=seed,
                    capital=capital, maintenance_rate=maintenance_rate, max_leverage=max_leverage,
                    max_days=max_days)
    require_texts(kind=kind)
    max_leverage = require_range("max_leverage", max_leverage, 1.0, 1000.0, low_open=True)
    max_days = require_count("max_days", max_days)
    controls = {
        "kind": dropdown("Book", [(label, key) for key, label in BOOK_KINDS.items()], value=kind,
                         tooltip="Which positions share the capital: one big long, three longs on unrelated or "
                                 "80 % correlated coins, or a hedged pair (a BTC long and an ETH short)"),
        "leverage": slider("Leverage (x)", value=leverage, min=1, max=max_leverage, step=1,
                           tooltip="Every position's value / its collateral"),
        "annual_volatility": slider("Volatility (a year)", value=annual_volatility, min=0.1, max=1.5, step=0.05,
                                    readout_format=".0%",
                                    tooltip="How much the coins move: the standard deviation of a year's log "
                                            "return (0.6 = 60 %)"),
        "days": slider("Days", value=days, min=1, max=max_days, step=1, integer=True,
                       tooltip="How long the positions stay open; the price is checked once a day"),
    }
    compute = partial(mode_choice, n_paths=n_paths, seed=seed, capital=capital, maintenance_rate=maintenance_rate,
                      max_leverage=max_leverage)
    return ModeChooser("Mode chooser", controls, compute)
