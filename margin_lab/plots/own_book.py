"""Draw step of the own-book figure (lesson 6): each margin assignment of the learner's book,
the odds of a liquidation and the losses, with ± 2 standard errors.

Draws a frozen :class:`margin_lab.studies.own_book.OwnBook`: no finance, no pyplot, no global
settings, matplotlib's public API only. One colour and hatch per assignment (Okabe-Ito), so colour
is never the only cue.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._style import PALETTE

if TYPE_CHECKING:  # pragma: no cover
    from margin_lab.studies.own_book import OwnBook

__all__ = ["draw_own_book"]

_FILLS = (
    {"facecolor": PALETTE["sky_blue"], "edgecolor": PALETTE["black"], "hatch": "//"},
    {"facecolor": PALETTE["bluish_green"], "edgecolor": PALETTE["black"], "hatch": "\\\\"},
    {"facecolor": PALETTE["yellow"], "edgecolor": PALETTE["black"], "hatch": "xx"},
    {"facecolor": PALETTE["orange"], "edgecolor": PALETTE["black"], "hatch": ".."},
)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (> 0): axis limits on a few steps,
    so that an explorer's next frame often has the same axes and its pixels are reused.

    >>> [_nice_ceiling(v) for v in (0.7, 1.0, 13, 2_600, 4_100)]
    [1.0, 1.0, 20.0, 5000.0, 5000.0]
    """
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value * (1 - 1e-12))


def _panel(ax: Any, book: "OwnBook", measures, scale: float, ylabel: str, title: str) -> None:
    risks = book.risks[:1] + book.risks[-1:] if len(book.risks) > 4 else book.risks
    width = 0.8 / len(risks)
    centres = range(len(measures))
    top, bottom = 0.0, 0.0
    for j, risk in enumerate(risks):
        shift = (j - (len(risks) - 1) / 2) * width
        xs = [i + shift for i in centres]
        values = [scale * getattr(risk, name) for name, _ in measures]
        errors = [2 * scale * getattr(risk, f"{name}_error") for name, _ in measures]
        ax.bar(xs, values, width=width, label=book.label(risk), **_FILLS[j % len(_FILLS)])
        ax.vlines(xs, [v - e for v, e in zip(values, errors)], [v + e for v, e in zip(values, errors)],
                  color=PALETTE["black"], linewidth=1.2)
        top = max(top, max(v + e for v, e in zip(values, errors)))
        bottom = min(bottom, min(v - e for v, e in zip(values, errors)))
    ax.set_xticks(list(centres), [label for _, label in measures])
    ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
    # room above the bars for the legend; limits on a few steps (see _nice_ceiling)
    ax.set_ylim(-_nice_ceiling(-bottom * 1.1) if bottom < 0 else 0.0, _nice_ceiling(max(top * 1.35, 1.0)))
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Measure (black lines: ± 2 standard errors)")
    ax.set_title(title, loc="left")


def draw_own_book(axes: Any, book: "OwnBook") -> None:
    """Two panels: the chance of any and of total liquidation (% of paths), and the expected
    loss and expected shortfall 95/99 % (quote currency), one bar per margin assignment.

    Examples
    --------
    >>> from margin_lab.plots import render
    >>> from margin_lab.studies.own_book import two_leg_book
    >>> info = render(draw_own_book, two_leg_book(n_paths=1_000), ncols=2).info
    >>> [bar.label for bar in info.axes[0].bars]
    ['all isolated', 'BTC cross, ETH isolated', 'BTC isolated, ETH cross', 'all cross']
    >>> info.axes[1].ylabel
    'Loss (USDT)'
    """
    left, right = axes.flat
    _panel(left, book, (("any_liquidation", "Any leg\nliquidated"), ("total_liquidation", "Every leg\nliquidated")),
           100.0, "Share of paths (%)", f"Your book over {book.days:g} days: liquidations")
    _panel(right, book, (("expected_loss", "Expected\nloss"), ("expected_shortfall_95", "ES 95 %"),
                         ("expected_shortfall_99", "ES 99 %")),
           1.0, "Loss (USDT)", f"Losses, wallet {book.wallet:,.0f}")
    left.legend(loc="upper left", fontsize=7.5)
