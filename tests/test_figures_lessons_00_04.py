"""Figures of lessons 00, 01 and 04 show what their text asks the learner to see (issue 17, part 2).

Lesson 01's explorer: on the full scale the maintenance margin (about 95 USDT) lies on zero and
the liquidation and bankruptcy lines (90 USDT apart on a 10,000-wide axis) on each other, so an
inset magnifies the place where equity meets the maintenance margin and then zero.
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from margin_lab import equity_curve
from margin_lab.plots import draw_equity_curve


def _inset(curve):
    ax = Figure().add_subplot()
    draw_equity_curve(ax, curve)
    return ax, ax.child_axes


@pytest.mark.parametrize("side, leverage, mark", [("long", 10, 19_000), ("long", 20, 19_000), ("short", 10, 21_000),
                                                  ("long", 100, 20_000)])
def test_the_equity_figure_magnifies_where_equity_meets_maintenance_and_zero(side, leverage, mark):
    curve = equity_curve(side, leverage=leverage, mark_price=mark)
    ax, insets = _inset(curve)
    assert len(insets) == 1
    inset = insets[0]
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    # Liquidation and bankruptcy at least a fifth of the inset's width apart (10x: 18,090.45 vs 18,000).
    assert x0 < min(curve.liquidation_price, curve.bankruptcy_price)
    assert max(curve.liquidation_price, curve.bankruptcy_price) < x1
    assert abs(curve.liquidation_price - curve.bankruptcy_price) >= 0.2 * (x1 - x0)
    # The maintenance margin at liquidation, r·Q·P, sits well clear of zero on the inset's scale.
    requirement = curve.maintenance_rate * curve.size * curve.liquidation_price
    assert requirement >= 0.15 * (y1 - y0) and y0 < 0 < requirement < y1
    # The legend (of the main axes) lists only what is drawn there: the inset adds no entry.
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_no_inset_when_no_price_liquidates_the_position():
    curve = equity_curve("long", leverage=1, mark_price=19_000)  # fully backed: (20,000 − 20,000) / 0.995 = 0
    assert curve.liquidation_price is None
    _, insets = _inset(curve)
    assert insets == []


def test_lesson_00s_allocation_figure_lists_only_drawn_bars_and_labels_the_cushion():
    from margin_lab import isolated_allocation
    from margin_lab.plots import draw_isolated_allocation

    ax = Figure().add_subplot()
    draw_isolated_allocation(ax, isolated_allocation(10_000, 2_000, 10, fee_rate=0.0))  # lesson 00: no fees
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "Paid: opening fee" not in legend and len(legend) == 4
    # The cushion, r·Q·P_liq = 0.005 × 18,090.45 ≈ 90 USDT, is under 1 % of the axis: its amount is written.
    texts = [text.get_text() for text in ax.texts]
    assert "90" in texts and "1,910" in texts


def test_lesson_04s_two_actions_on_one_day_do_not_hide_each_other():
    from margin_lab import managed_position
    from margin_lab.plots import draw_managed_position

    ax = Figure().add_subplot()
    draw_managed_position(ax, managed_position("dip", add_margin=1_100, add_margin_day=5, reduce_fraction=0.5,
                                               reduce_day=5))
    added = next(line for line in ax.get_lines() if line.get_label().startswith("You added"))
    cut = next(line for line in ax.get_lines() if line.get_label().startswith("You cut size"))
    assert tuple(added.get_xydata()[0]) == tuple(cut.get_xydata()[0])  # the same point
    # The square drawn over the triangle is open and larger, so the triangle shows inside it.
    assert cut.get_markerfacecolor() == "none" and cut.get_markersize() > added.get_markersize()
