"""The quick legend of explorers looks like matplotlib's legend, and stands aside where it can't."""

from __future__ import annotations

import io

import numpy as np
import pytest

from margin_lab.plots._frames import FrameCache
from margin_lab.plots._legends import legend
from margin_lab.plots._style import fill_style, house_style, line_style, new_figure

OPTIONS = [
    {"loc": "upper left"},
    {"loc": "center left", "bbox_to_anchor": (1.01, 0.5), "borderaxespad": 0.0},
    {"loc": "upper center", "bbox_to_anchor": (0.5, -0.2), "ncol": 2, "borderaxespad": 0.0},
    {"loc": "lower right", "ncols": 3},
    {"loc": "best", "fontsize": 7.5},
    {"loc": "center"},
]


def _figure(*, quick: bool, crowd_upper_right: bool = False):
    """One axes with every kind of handle the draw functions use, and long and tall labels."""
    fig, ax = new_figure()
    fig.set_layout_engine("none")
    ax.set_position((0.1, 0.15, 0.55, 0.75))
    if quick:
        fig._margin_lab_frames = FrameCache()
    ax.plot([0, 1, 2], [1, 6, 2], label="Price (USDT) 12,345", **line_style("price"))
    ax.axhline(3, label="Liquidation", **line_style("liquidation"))
    ax.bar([0.5, 1.5], [3, 4], width=0.3, label="Margin at risk", **fill_style("at_risk"))
    ax.plot([1], [5], label="Day 10: BTC, ETH liquidated (lost 10,000.00)", **line_style("event"))
    ax.fill_between([0, 2], [7, 7], [8, 8], label="Warning band", **fill_style("band"))
    ax.axhspan(8.5, 9, label="Cushion", **fill_style("cushion"))
    ax.plot([0, 2], [0.5, 9], label="A dash-dot cycle", linestyle=(0, (5, 1, 1, 1)), color="#009E73")
    if crowd_upper_right:
        ax.plot(np.linspace(1.2, 2, 50), np.full(50, 9.5), label="_crowd", color="#000000")
    ax.set(xlim=(0, 2), ylim=(0, 10), title="Every handle", xlabel="Time (days)", ylabel="Price (USDT)")
    return fig, ax


def _pixels(fig) -> np.ndarray:
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA"), dtype=int)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: o["loc"])
def test_the_quick_legend_draws_the_picture_matplotlibs_legend_draws(options):
    with house_style():
        fig, ax = _figure(quick=True)
        quick = legend(ax, **options)
        drawn_quick = _pixels(fig)
        fig, ax = _figure(quick=False)
        real = legend(ax, **options)
        drawn_real = _pixels(fig)
    assert type(quick).__name__ == "QuickLegend" and type(real).__name__ == "Legend"
    # The quick legend's pixels are drawn on a transparent canvas and blended onto the figure:
    # where the frame (90 % opaque) lies over data, blending twice rounds a channel by 1 or 2.
    differing = (np.abs(drawn_quick - drawn_real) > 2).any(axis=2).mean()
    # Identical but for a marker that may land one pixel over (snapping of a fractional position).
    assert differing < 0.001, f"{differing:.4%} of pixels differ by more than rounding"


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: o["loc"])
def test_the_quick_legend_takes_the_place_and_size_of_matplotlibs(options):
    with house_style():
        boxes = []
        for quick in (True, False):
            fig, ax = _figure(quick=quick, crowd_upper_right=True)
            made = legend(ax, **options)
            renderer = fig.canvas.get_renderer()
            boxes.append(made.get_window_extent(renderer).bounds)
    assert np.allclose(boxes[0], boxes[1], atol=0.5), boxes


def test_best_avoids_the_data_as_matplotlib_does():
    with house_style():
        fig, ax = _figure(quick=True, crowd_upper_right=True)
        box = legend(ax, loc="best").get_window_extent(fig.canvas.get_renderer())
        axes_box = ax.bbox
    # The upper right is crowded: "best" moves on (to the upper left, matplotlib's next choice).
    assert box.x0 < axes_box.x0 + 0.5 * axes_box.width


def test_labels_read_back_like_matplotlibs_legend():
    with house_style():
        fig, ax = _figure(quick=True)
        texts = [t.get_text() for t in legend(ax, loc="upper left").get_texts()]
    assert texts == [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    assert ax.get_legend() is not None and len(texts) == 7


def test_a_static_figure_gets_matplotlibs_legend():
    from matplotlib.legend import Legend

    with house_style():
        _, ax = _figure(quick=False)
        assert isinstance(legend(ax, loc="upper left"), Legend)


def test_options_and_handles_it_does_not_draw_get_matplotlibs_legend():
    from matplotlib.legend import Legend

    with house_style():
        _, ax = _figure(quick=True)
        assert isinstance(legend(ax, loc="upper left", title="Roles"), Legend)
        _, ax = _figure(quick=True)
        ax.errorbar([0.5], [5], yerr=[1], label="An error bar")
        assert isinstance(legend(ax, loc="upper left"), Legend)


def test_an_unknown_location_is_refused_with_its_name():
    with house_style():
        _, ax = _figure(quick=True)
        with pytest.raises(ValueError, match="loc must be 'best' or one of .* got 'top'"):
            legend(ax, loc="top")


def test_a_second_legend_replaces_the_first():
    with house_style():
        fig, ax = _figure(quick=True)
        legend(ax, loc="upper left")
        second = legend(ax, loc="lower right")
    assert ax.get_legend() is second
    assert sum(type(a).__name__ == "QuickLegend" for a in ax.get_children()) == 1


def test_a_kept_legend_is_pasted_again_only_where_and_as_it_was_drawn():
    from margin_lab.plots._frames import FrameCache

    cache = FrameCache()

    def draw(label: str) -> np.ndarray:
        fig, ax = _figure(quick=False)
        fig._margin_lab_frames = cache
        ax.lines[0].set_label(label)
        legend(ax, loc="upper left")
        return _pixels(fig)

    with house_style():
        first = draw("Price (USDT) 12,345")
        assert len(cache.legends) == 1
        again = draw("Price (USDT) 12,345")  # pasted from what was kept
        assert len(cache.legends) == 1
        other = draw("Price (USDT) 12,346")  # another label: drawn and kept anew
    assert len(cache.legends) == 2
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
