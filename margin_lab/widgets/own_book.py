"""The own-book explorer of lesson 6: two legs of your own (coin, side, leverage, collateral), a
wallet and a horizon -> every margin assignment's odds and losses with their standard errors and
a verdict, a progress bar fed by the simulation.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .._checks import require_count
from ..plots.own_book import draw_own_book
from ..studies.own_book import two_leg_book
from ._kit import Explorer, dropdown, slider, toggle

__all__ = ["OwnBookExplorer", "own_book_explorer"]

_COINS = ("BTC", "ETH", "SOL")


class OwnBookExplorer(Explorer):
    """An :class:`~margin_lab.widgets.Explorer` with a progress bar (``progress``: an IntProgress
    whose ``value`` is the paths simulated so far out of ``max``)."""

    def __init__(self, title: str, controls: dict[str, Any], compute: Any):
        import ipywidgets as widgets

        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Paths simulated", bar_style="info",
            tooltip="How many of the simulated price paths are done",
            style={"description_width": "initial"}, layout=widgets.Layout(width="340px"),
        )
        super().__init__(title, controls, partial(compute, progress=self._advance), draw_own_book, ncols=2,
                         sync=_keep_legs_apart_and_funded)
        heading, box, *rest = self.view.children
        self.view.children = (heading, box, self.progress, *rest)

    def _advance(self, done: int, total: int) -> None:
        self.progress.max = total
        self.progress.value = done


def _keep_legs_apart_and_funded(controls: dict[str, Any], changed: set[str]) -> None:
    """Two legs on one coin would net into one position: the other leg moves to another coin. A
    collateral raised past the wallet takes the wallet up with it (as far as its slider goes)."""
    for mine, other in (("first_coin", "second_coin"), ("second_coin", "first_coin")):
        if mine in changed and controls[mine].value == controls[other].value:
            controls[other].value = next(c for c in _COINS if c != controls[mine].value)
    if changed & {"first_collateral", "second_collateral"}:
        needed = controls["first_collateral"].value + controls["second_collateral"].value
        wallet = controls["wallet"]
        if needed > wallet.value:
            wallet.value = min(needed, wallet.max)


def _leg_controls(prefix: str, word: str, coin: str, side: str, leverage: float, collateral: float,
                  max_collateral: float) -> dict[str, Any]:
    return {
        f"{prefix}_coin": dropdown(f"{word} coin", list(_COINS), value=coin,
                                   tooltip=f"The coin of your {word.lower()} position"),
        f"{prefix}_side": toggle(f"{word} side", ["long", "short"], value=side,
                                 tooltip="long gains when the price rises, short when it falls"),
        f"{prefix}_leverage": slider(f"{word} leverage (x)", value=leverage, min=1, max=50, step=1,
                                     tooltip="Position value / its collateral"),
        f"{prefix}_collateral": slider(f"{word} collateral (USDT)", value=collateral, min=100, max=max_collateral,
                                       step=100, tooltip="The margin you put behind this position; its value is "
                                                         "collateral × leverage"),
    }


def own_book_explorer(
    *,
    first: tuple[str, str, float, float] = ("BTC", "long", 10, 1_500),
    second: tuple[str, str, float, float] = ("ETH", "long", 5, 1_500),
    wallet: float = 3_000,
    days: int = 30,
    n_paths: int = 2_000,
    seed: int = 0,
    max_wallet: float = 20_000,
) -> OwnBookExplorer:
    """Your own two-leg book in every margin assignment (lesson 6).

    Controls per leg: coin, side, leverage (1-50x), collateral (USDT); then the wallet (USDT), the
    horizon in days (1-90) and a toggle for the stylised gap scenario. Fixed here: ``n_paths`` and
    ``seed``. 2,000 paths keep an update's median under 100 ms (benchmarks/run.py); the summary
    under the figure names the paths and prints every figure ± its standard error, which for a
    probability p is √(p(1 − p)/2,000): ± 1.1 points at 50 %, about 2.2 times the error of the
    lesson's own 10,000-path call (pass ``n_paths=10_000`` for that precision, at about 5 times the
    compute time per update).
    Figure: :func:`margin_lab.plots.own_book.draw_own_book`; compute:
    :func:`margin_lab.studies.own_book.two_leg_book`.

    Examples
    --------
    >>> explorer = own_book_explorer(n_paths=1_000)
    >>> explorer
    Your own book (11 controls)
    >>> explorer.set(second_side="short")
    >>> explorer.progress.value, explorer.result.legs[1].side.value
    (1000, 'short')
    >>> explorer.set(first_coin="ETH")  # the second leg moves off ETH
    >>> [leg.coin for leg in explorer.result.legs]
    ['ETH', 'BTC']
    """
    n_paths = require_count("n_paths", n_paths, minimum=1_000)
    controls = {
        **_leg_controls("first", "First", *first, max_collateral=max_wallet),
        **_leg_controls("second", "Second", *second, max_collateral=max_wallet),
        "wallet": slider("Wallet (USDT)", value=wallet, min=500, max=max_wallet, step=100,
                         tooltip="Your whole balance; cross legs share all of it that isolated legs do not hold"),
        "days": slider("Days", value=days, min=1, max=90, step=1, integer=True,
                       tooltip="How long the positions stay open; prices are checked once a day"),
        "gaps": toggle("Gaps", [("no gaps", False), ("gaps", True)], value=False,
                       tooltip="Add about two market-wide gaps a year of about -14 % (stylised)"),
    }
    return OwnBookExplorer("Your own book", controls, partial(two_leg_book, n_paths=n_paths, seed=seed))
