"""Lesson 3's figures stay legible at their default settings (issue 17): the warning,
liquidation and bankruptcy lines get a zoomed inset when they crowd together, the warning
marker does not hide under the liquidation marker, and every line the legend lists shows."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from margin_lab import liquidation_path, mark_vs_last  # noqa: E402
from margin_lab.plots import draw_liquidation_path, draw_mark_vs_last  # noqa: E402


def drawn(draw, result):
    fig, ax = plt.subplots()
    draw(ax, result)
    return fig, ax


@pytest.mark.parametrize("side", ["long", "short"])
def test_crowded_levels_at_10x_get_a_zoom_that_separates_them(side):
    p = liquidation_path(side, leverage=10)
    levels = sorted((p.warning_price, p.liquidation_price, p.bankruptcy_price))
    assert levels[-1] - levels[0] < 200  # the crowding the inset is for (136 USDT long, 164 short)
    fig, ax = drawn(draw_liquidation_path, p)
    (inset,) = ax.child_axes
    low, high = inset.get_ylim()
    assert low < levels[0] and levels[-1] < high
    main_low, main_high = ax.get_ylim()
    # The inset magnifies: the three lines take over 40 % of its height, under 5 % of the main axes'.
    assert (levels[-1] - levels[0]) / (high - low) > 0.4
    assert (levels[-1] - levels[0]) / (main_high - main_low) < 0.05
    # Both events fall inside the inset's time window, where they lie apart.
    start, end = inset.get_xlim()
    assert start <= p.warning_day < p.liquidation_day <= end
    plt.close(fig)


def test_no_zoom_when_the_path_never_reaches_the_levels():
    p = liquidation_path("long", leverage=2)  # liquidation near 10,050: the 12 % path stays clear
    assert p.liquidation_day is None and p.warning_day is None
    fig, ax = drawn(draw_liquidation_path, p)
    assert ax.child_axes == []
    plt.close(fig)


def test_the_warning_marker_is_an_open_ring_larger_than_the_liquidation_cross():
    p = liquidation_path("long", leverage=10)
    fig, ax = drawn(draw_liquidation_path, p)
    lines = {line.get_label(): line for line in ax.get_lines()}
    warned = next(v for k, v in lines.items() if k.startswith("Warned"))
    liquidated = next(v for k, v in lines.items() if k.startswith("Liquidated"))
    assert warned.get_markerfacecolor() == "none"
    assert warned.get_markersize() > liquidated.get_markersize()
    plt.close(fig)


def test_the_index_line_is_drawn_above_the_mark_line_that_would_hide_it():
    fig, ax = drawn(draw_mark_vs_last, mark_vs_last("long", leverage=20, maintenance_rate=0.005))
    lines = {line.get_label(): line for line in ax.get_lines()}
    index = next(v for k, v in lines.items() if k.startswith("Index"))
    mark = next(v for k, v in lines.items() if k.startswith("Mark price"))
    gap = max(abs(a - b) for a, b in zip(index.get_ydata(), mark.get_ydata()))
    assert gap < 100  # so close that drawing order decides whether the index shows
    assert index.get_zorder() > mark.get_zorder()
    plt.close(fig)
