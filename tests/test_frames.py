"""The frame cache draws the same picture as matplotlib's full draw, and reuses only equal frames."""

from __future__ import annotations

import io

import numpy as np
import pytest

from margin_lab.plots._frames import FrameCache
from margin_lab.plots._style import house_style, line_style, new_figure, nice_limits


def _figure(height: float, *, ylim=(0, 10), title="Price"):
    fig, (left, right) = new_figure(ncols=2)
    fig.set_layout_engine("none")
    for ax in (left, right):
        ax.plot([0, 1, 2], [1, height, 2], label=f"Price {height}", **line_style("price"))
        ax.axhline(height / 2, label="Liquidation", **line_style("liquidation"))
        ax.set(xlim=(0, 2), ylim=ylim, title=f"{title} {height}", xlabel="Time (days)", ylabel="Price (USDT)")
        ax.legend(loc="upper left")
    fig.suptitle(f"Two panels at {height}")
    return fig


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def _full_draw(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return _pixels(buffer.getvalue())


@pytest.mark.parametrize("height", [3.0, 7.5])
def test_a_cached_frame_gives_the_picture_a_full_draw_gives(height):
    cache = FrameCache()
    with house_style():
        cache.png(_figure(1.0))  # draws and keeps the frame
        reused = _pixels(cache.png(_figure(height)))
        expected = _full_draw(_figure(height))
    assert cache.hits == 1 and cache.misses == 1
    assert reused.shape == expected.shape
    differing = np.any(reused != expected, axis=2).mean()
    # Only where a data line crosses a spine may the two differ (the spine is in the frame).
    assert differing < 0.002, f"{differing:.4%} of pixels differ"


def test_a_changed_frame_is_drawn_again_not_reused():
    cache = FrameCache()
    with house_style():
        first = _pixels(cache.png(_figure(3.0)))
        other = _pixels(cache.png(_figure(3.0, ylim=(0, 20))))
        expected = _full_draw(_figure(3.0, ylim=(0, 20)))
    assert (cache.hits, cache.misses) == (0, 2)
    assert np.any(first != other)
    assert np.any(other != expected, axis=2).mean() < 0.002


def test_the_cache_keeps_only_its_size_in_frames():
    cache = FrameCache(size=2)
    with house_style():
        for top in (10, 20, 30, 10):
            cache.png(_figure(3.0, ylim=(0, top)))
    assert (cache.hits, cache.misses) == (0, 4)  # 10 was pushed out by 20 and 30


def test_a_figure_with_a_layout_engine_is_refused():
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="fig must have no layout engine"):
        FrameCache().png(fig)


def test_cache_size_must_be_a_positive_count():
    with pytest.raises(ValueError, match="size"):
        FrameCache(size=0)


@pytest.mark.parametrize(
    "low, high, pad",
    [(-600.0, 10_600.0, 0.06), (0.0, 9.5, 0.0), (0.013, 0.0171, 0.06), (-5.6, 0.0, 0.0), (123.0, 123.0, 0.06)],
)
def test_nice_limits_contain_the_padded_data_and_sit_on_a_round_step(low, high, pad):
    bottom, top = nice_limits(low, high, pad=pad)
    span = high - low or abs(high)
    assert bottom <= low - pad * span + 1e-9 and top >= high + pad * span - 1e-9
    units = [m * 10.0**k for k in range(-4, 6) for m in (1, 2, 2.5, 5)]
    on_step = [u for u in units if all(abs(v / u - round(v / u)) < 1e-6 for v in (bottom, top))]
    assert any((top - bottom) / u <= 8 + 2 for u in on_step), f"{(bottom, top)} is not on a round step"


def test_explorer_callbacks_reuse_the_frame_when_the_axes_stay_put():
    from margin_lab.widgets import liquidation_explorer

    explorer = liquidation_explorer()
    before = explorer.output.outputs[0]["data"]["image/png"]
    explorer.set(maintenance_rate=0.01)
    explorer.set(maintenance_rate=0.02)
    after = explorer.output.outputs[0]["data"]["image/png"]
    assert explorer._frames.hits >= 1
    assert after != before


@pytest.mark.parametrize("nrows, ncols", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_a_copied_blank_figure_draws_exactly_what_a_new_one_draws(nrows, ncols):
    from margin_lab.plots._style import _copied_figure

    def drawn(make):
        with house_style():
            fig, axes = make(nrows, ncols)
            for i, ax in enumerate(np.atleast_1d(axes).flat):
                ax.plot([0, 1, 2], [1, 3 + i, 2], label="Price", **line_style("price"))
                ax.set(title=f"Panel {i}", xlabel="Time (days)", ylabel="Price (USDT)")
                ax.legend()
            return np.shape(axes), _full_draw(fig)

    fresh_shape, fresh = drawn(new_figure)
    for _ in range(2):  # the first call makes the blank, the second copies it
        copied_shape, copied = drawn(_copied_figure)
        assert copied_shape == fresh_shape
        assert np.array_equal(copied, fresh)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (360, 720)])
def test_quick_png_decodes_to_exactly_the_pixels_it_was_given(shape):
    from PIL import Image

    from margin_lab.plots._frames import quick_png

    pixels = np.random.default_rng(7).integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(quick_png(pixels))).convert("RGBA"))
    assert np.array_equal(decoded, pixels)


def test_quick_png_refuses_pixels_that_are_not_rgba():
    from margin_lab.plots._frames import quick_png

    with pytest.raises(ValueError, match=r"pixels must be a height x width x 4 \(RGBA\) array, got shape \(2, 3, 3\)"):
        quick_png(np.zeros((2, 3, 3), dtype=np.uint8))


def _text_figure():
    fig, ax = new_figure()
    fig.set_layout_engine("none")
    ax.set(xlim=(0, 1), ylim=(0, 1), title="Texts", xlabel="Time (days)", ylabel="Price (USDT)")
    for i, (angle, size) in enumerate([(0, 8), (30, 10), (90, 12), (0, 8.5)]):
        ax.text(0.1 + 0.2 * i, 0.5, f"Liquidation {12_345 + i:,}", rotation=angle, fontsize=size)
    ax.text(0.5, 0.9, "Liquidation 12,345", fontsize=8)  # the same text and font as the first
    return fig


def test_kept_text_images_paste_exactly_what_matplotlib_draws():
    cache = FrameCache()
    with house_style():
        first = _pixels(cache.png(_text_figure()))  # draws every text and keeps its image
        again = _pixels(cache.png(_text_figure()))  # pastes every text from what was kept
        expected = _full_draw(_text_figure())
    assert cache.hits == 1
    assert np.array_equal(first, expected)  # nothing crosses a spine: identical to the pixel
    assert np.array_equal(again, expected)


@pytest.mark.parametrize("value", [0.0071, 0.1, 1.0, 1.01, 3.3, 9.99, 10.8, 66.7, 108.0, 12_345.0])
def test_round_up_is_the_next_step_of_the_ladder_and_at_most_a_quarter_above(value):
    from margin_lab.plots._style import round_up

    limit = round_up(value)
    ladder = [m * 10.0**k for k in range(-4, 6) for m in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8)]
    assert value <= limit <= 1.25 * value + 1e-12
    assert any(abs(limit - step) < 1e-9 * step for step in ladder)
    assert not any(value <= step < limit * (1 - 1e-9) for step in ladder)  # no lower step fits


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), "5"])
def test_round_up_refuses_what_is_not_a_positive_number(bad):
    from margin_lab.plots._style import round_up

    with pytest.raises(ValueError, match="value must be a finite number > 0"):
        round_up(bad)


def _bars_figure(values):
    from margin_lab.plots._style import fill_style

    fig, ax = new_figure()
    fig.set_layout_engine("none")
    ax.set(xlim=(-0.6, 4.6), ylim=(-3, 10), title="Bars", xlabel="Book", ylabel="Loss (%)")
    for shift, role in ((-0.2, "at_risk"), (0.2, "cushion")):
        ax.bar([i + shift for i in range(5)], values, width=0.38, label=role, **fill_style(role))
    ax.barh([8.5, 9.3], [1.0, 2.0], height=0.6, **fill_style("loss"))
    ax.bar([3.0, 3.5], [2.0, 2.0], width=0.5, bottom=-3, **fill_style("fee"))  # touching: drawn one by one
    return fig


def test_like_bars_drawn_as_one_path_give_the_picture_drawn_bar_by_bar(monkeypatch):
    from margin_lab.plots import _frames

    values = [1.0, 4.5, -2.0, 7.25, 3.0]

    def drawn() -> np.ndarray:
        cache = FrameCache()
        cache.png(_bars_figure([2.0, 2.0, 2.0, 2.0, 2.0]))
        return _pixels(cache.png(_bars_figure(values)))

    with house_style():
        merged = _frames._merged_bars(_frames._foreground(_bars_figure(values)))
        together = drawn()
        monkeypatch.setattr(_frames, "_merged_bars", lambda artists: artists)
        one_by_one = drawn()
    kinds = [type(a).__name__ for a in merged]
    assert kinds.count("PathPatch") == 3  # two rows of five bars, the two horizontal bars
    assert kinds.count("Rectangle") == 2  # the touching pair stays as it is
    assert np.array_equal(together, one_by_one)


@pytest.mark.parametrize("horizontal", [False, True])
def test_add_bars_draws_and_reads_back_as_ax_bar_does(horizontal):
    from margin_lab.plots._info import figure_info
    from margin_lab.plots._style import add_bars, fill_style

    def drawn(use_add_bars: bool):
        fig, ax = new_figure()
        fig.set_layout_engine("none")
        ax.set(xlim=(-1, 4), ylim=(-3, 9), title="Bars", xlabel="Book", ylabel="Loss (%)")
        positions, values, starts = [0, 1, 2.5], [4.0, -2.0, 7.5], [0.0, 1.0, 0.5]
        if use_add_bars:
            bars = add_bars(ax, positions, values, width=0.6, start=starts, horizontal=horizontal,
                            label="Loss", **fill_style("at_risk"))
        elif horizontal:
            bars = ax.barh(positions, values, height=0.6, left=starts, label="Loss", **fill_style("at_risk"))
        else:
            bars = ax.bar(positions, values, width=0.6, bottom=starts, label="Loss", **fill_style("at_risk"))
        ax.bar_label(bars, labels=["a", "b", "c"])
        ax.legend(loc="upper left")
        return figure_info(fig), _full_draw(fig)

    with house_style():
        info, pixels = drawn(True)
        expected_info, expected_pixels = drawn(False)
    assert info == expected_info
    assert np.array_equal(pixels, expected_pixels)


def test_add_bars_refuses_positions_and_values_of_different_lengths():
    from margin_lab.plots._style import add_bars

    _, ax = new_figure()
    with pytest.raises(ValueError, match="positions and values must have the same length, got 2 and 3"):
        add_bars(ax, [0, 1], [1, 2, 3], width=0.5)


@pytest.mark.parametrize("horizontal, center, flipped", [(False, False, False), (True, False, False),
                                                          (True, True, False), (False, False, True)])
def test_label_bars_writes_what_bar_label_writes_where_it_writes_it(horizontal, center, flipped):
    from margin_lab.plots._info import figure_info
    from margin_lab.plots._style import add_bars, fill_style, label_bars

    def drawn(ours: bool):
        fig, ax = new_figure()
        fig.set_layout_engine("none")
        along, across = (-4, 9), (-1, 4)  # every bar inside the axes
        ax.set(xlim=along if horizontal else across, ylim=across if horizontal else along, title="Bars",
               xlabel="Book", ylabel="Loss (%)")
        if flipped:
            ax.invert_yaxis()
        bars = add_bars(ax, [0, 1, 2.5], [4.0, -2.0, 7.5], width=0.6, horizontal=horizontal, label="Loss",
                        **fill_style("at_risk"))
        style = {"fontsize": 7.5, "bbox": {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5}}
        labels = ["4.0", "−2.0", "7.5"]
        if ours:
            label_bars(ax, bars, labels, padding=0 if center else 1.5, center=center, **style)
        else:
            ax.bar_label(bars, labels=labels, padding=0 if center else 1.5,
                         label_type="center" if center else "edge", **style)
        return figure_info(fig), _full_draw(fig)

    with house_style():
        info, pixels = drawn(True)
        expected_info, expected_pixels = drawn(False)
    assert info.first.texts == expected_info.first.texts == ("4.0", "−2.0", "7.5")
    assert np.array_equal(pixels, expected_pixels)
