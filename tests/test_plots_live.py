"""An explorer's long-lived figure draws what a fresh figure draws; the drawing helpers draw what
matplotlib's own ``ax.bar`` and ``ax.bar_label`` draw; the PNG writer keeps every pixel."""

from __future__ import annotations

import io

import numpy as np
import pytest

from margin_lab.plots._live import LiveFigure, quick_png
from margin_lab.plots._style import fill_style, house_style, line_style, new_figure, nice_limits


def _draw_panels(axes, height: float) -> None:
    for i, ax in enumerate(axes):
        ax.plot([0, 1, 2], [1, height, 2], label=f"Price {height}", **line_style("price"))
        ax.axhline(height / 2, label="Liquidation", **line_style("liquidation"))
        ax.set(xlim=(0, 2), ylim=nice_limits(0, 2 * height), title=f"Panel {i} at {height}",
               xlabel="Time (days)", ylabel="Price (USDT)")
        if i == 0:
            ax.set_yscale("log")  # the next render must start from a clean axes again
            ax.text(1, height, f"Mark {height:,.2f}")
        ax.legend(loc="best")


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def _full_draw(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return _pixels(buffer.getvalue())


def _fresh_draw(heights_drawn: float, positions) -> np.ndarray:
    """What a brand-new figure with the same axes positions draws."""
    with house_style():
        fig, axes = new_figure(ncols=2)
        fig.set_layout_engine("none")
        for ax, bounds in zip(fig.axes, positions):
            ax.set_position(bounds)
        _draw_panels(axes, heights_drawn)
        return _full_draw(fig)


def test_a_live_figure_redrawn_in_place_gives_the_picture_a_fresh_figure_gives():
    live = LiveFigure(ncols=2)
    first = live.render(_draw_panels, 3.0)
    second = live.render(_draw_panels, 7.5)
    third = live.render(_draw_panels, 3.0)
    fourth = live.render(_draw_panels, 7.5)
    assert second.positions == first.positions  # laid out once, then kept
    assert len(live.figure.axes) == 2 and [len(ax.lines) for ax in live.figure.axes] == [2, 2]
    assert [len(ax.texts) for ax in live.figure.axes] == [1, 0]  # nothing left over from the last render
    assert second.info.first.legend == ("Price 7.5", "Liquidation")
    assert (live.drawn, live.reused) == (2, 1)  # the fourth render pasted the frame the second one drew
    for shown, height in ((second, 7.5), (third, 3.0), (fourth, 7.5)):
        differ = np.any(_pixels(shown.png) != _fresh_draw(height, shown.positions), axis=-1)
        # Only where a line crosses a spine (drawn under the line here, over it in a full draw).
        assert differ.mean() < 0.002, f"{differ.sum()} pixels differ"
    assert not np.array_equal(_pixels(second.png), _pixels(first.png))


def test_a_frame_is_pasted_back_only_when_nothing_that_decides_it_changed():
    def draw(ax, options):
        ax.plot([0, 1], [1, 2], label="Price", **line_style("price"))
        ax.set(xlim=(0, 1), ylim=(0, 4), title="Frame", xlabel="Time (days)", ylabel="Price (USDT)")
        ax.set(**options)
        if options.get("grid_off"):
            ax.grid(visible=False)

    live = LiveFigure()
    live.render(draw, {})  # laid out and drawn whole
    live.render(draw, {})  # its frame drawn and kept
    changes = [{"ylim": (0, 5)}, {"ylabel": "Price (USD)"}, {"yscale": "log", "ylim": (0.5, 4)}, {"xticks": [0, 0.5]}]
    for options in changes:
        live.render(draw, options)
    assert (live.drawn, live.reused) == (1 + len(changes), 0)
    live.render(draw, {"title": "Another title"})  # a title is drawn over the frame, not in it
    assert live.reused == 1


def test_an_explorer_keeps_one_figure_for_its_whole_life():
    from margin_lab.widgets import liquidation_explorer

    explorer = liquidation_explorer()
    figure = explorer._figure.figure
    before = explorer.output.outputs[0]["data"]["image/png"]
    explorer.set(maintenance_rate=0.01)
    explorer.set(maintenance_rate=0.02)
    after = explorer.output.outputs[0]["data"]["image/png"]
    assert explorer._figure.figure is figure and len(figure.axes) == 1
    assert after != before


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


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (360, 720)])
@pytest.mark.parametrize("opaque", [False, True])
def test_quick_png_decodes_to_exactly_the_pixels_it_was_given(shape, opaque):
    from PIL import Image

    pixels = np.random.default_rng(7).integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    if opaque:
        pixels[:, :, 3] = 255
    decoded = Image.open(io.BytesIO(quick_png(pixels)))
    assert decoded.mode == ("RGB" if opaque else "RGBA")
    assert np.array_equal(np.asarray(decoded.convert("RGBA")), pixels)


def test_quick_png_refuses_pixels_that_are_not_rgba():
    with pytest.raises(ValueError, match=r"pixels must be a height x width x 4 \(RGBA\) array, got shape \(2, 3, 3\)"):
        quick_png(np.zeros((2, 3, 3), dtype=np.uint8))


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


def _reads(fig) -> str:
    """What a figure shows, read through public getters (positions aside), as text (nan equals nan)."""
    from margin_lab.plots._info import figure_info

    def axis(a):
        ticks = [float(v) for v in a.get_major_locator()()]
        return (a.get_scale(), a.get_inverted(), a.label.get_text(), a.label.get_fontsize(), tuple(ticks),
                tuple(a.get_major_formatter().format_ticks(ticks)), sorted(a.get_tick_params().items()),
                sorted(a.get_tick_params(which="minor").items()))

    return repr((figure_info(fig), fig.get_suptitle(), tuple(
        (ax.get_xlim(), ax.get_ylim(), ax.get_autoscalex_on(), ax.get_autoscaley_on(), axis(ax.xaxis), axis(ax.yaxis),
         tuple((t.get_text(), t.get_fontsize()) for t in ax.texts),
         tuple(ax.get_title(loc) for loc in ("left", "center", "right")), ax.title.get_fontsize(),
         len(ax.get_children())) for ax in fig.axes)))


def _explorer_names():
    import margin_lab.widgets as kit

    return sorted(n for n in kit.__all__ if n.endswith("_explorer"))


@pytest.mark.parametrize("name", _explorer_names())
def test_an_emptied_and_redrawn_axes_reads_like_a_fresh_one(name):
    import margin_lab.widgets as kit

    explorer = getattr(kit, name)()
    if not isinstance(explorer, kit.Explorer):
        pytest.skip(f"{name} is not an Explorer")
    live = explorer._figure
    for control_name, control in explorer.controls.items():
        for _ in range(2):
            explorer.set(**{control_name: kit.another_value(control)})
            with house_style():  # a fresh figure, with the axes where the live one keeps them
                fig, axes = new_figure(*live.grid)
                fig.set_layout_engine("none")
                for ax, kept in zip(fig.axes, live.figure.axes):
                    ax.set_position(kept.get_position())
                explorer._draw(axes, explorer.result)
                fresh, kept = _reads(fig), _reads(live.figure)  # inside house_style: locators read its rcParams
            assert kept == fresh, f"after {control_name} = {control.value!r}"


def _draw_variant(ax, variant):
    from margin_lab.plots._style import fixed_ticks

    ax.plot([1, 2, 3], [2, 8, 4], label=f"Price {variant}", **line_style("price"))
    ax.set(title="Variant", xlabel="Time (days)", ylabel="Price (USDT)")
    if variant == "everything":  # what a draw may change and the next draw may not change back
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(0.5, 5)
        ax.tick_params(labelsize=7, labelleft=False)
        ax.grid(axis="y", visible=False)
        fixed_ticks(ax.xaxis, [1, 2], ["one", "two"])
        ax.set_title("left", loc="left")
        ax.text(2, 5, "note")
        ax.axvspan(1, 2, label="Band", **fill_style("band"))
        ax.legend(loc="upper left")


@pytest.mark.parametrize("before", ["plain", "everything"])
@pytest.mark.parametrize("after", ["plain", "everything"])
def test_a_render_leaves_nothing_of_the_render_before_it(before, after):
    live = LiveFigure()
    live.render(_draw_variant, before)
    live.render(_draw_variant, after)
    with house_style():
        fig, ax = new_figure()
        fig.set_layout_engine("none")
        ax.set_position(live.figure.axes[0].get_position())
        _draw_variant(ax, after)
        fresh, kept = _reads(fig), _reads(live.figure)  # inside house_style: locators read its rcParams
    assert kept == fresh
