"""One long-lived figure per explorer, redrawn in place with matplotlib's public API.

An explorer draws the same kind of picture again and again while a learner moves a control.
A :class:`LiveFigure` makes its figure and canvas once and keeps them for as long as the
explorer lives: each render empties the axes, draws the new result on them and draws the
canvas. Keeping the canvas keeps its renderer, and with it matplotlib's cache of measured
texts: tick labels, legend entries and titles seen before are not measured again.

Emptying is done with public setters rather than ``Axes.clear`` (which builds the axis and its
ticks anew: 60-75 ms a render on this project's machine): every artist, container and legend is
removed, titles and axis labels blanked, scales set back to linear (which restores the default
locators and formatters), inversion, autoscaling, data limits, grid and tick parameters put back
to what the fresh axes had. ``tests/test_plots_live.py`` checks, for every explorer, that after
a series of control moves its axes read the same as a fresh figure's with the same result.

The figure is laid out once, by constrained layout, on the first render; later renders keep
those axes positions (a figure that does not jump while a slider moves, and no layout pass).

Much of a full draw's time goes into the *frame*: axes background, grid, spines, ticks and
their labels, axis labels (matplotlib makes tick objects and lays out and rasterises every
tick label). While a slider moves, the frame is often what it was a moment ago:
the axes limits sit on round steps (:func:`~margin_lab.plots._style.nice_limits`,
:func:`~margin_lab.plots._style.round_up`). So a render reads what decides the frame's look
through public getters (limits, scales, locators and formatters, tick parameters, labels,
spines, axes positions) and, when a frame with that key was drawn before, pastes its pixels
back (``canvas.restore_region``) and draws only the rest (``Figure.draw_artist``: data,
titles, legends, texts) in the order ``Axes.draw`` would. A new frame is drawn once with the
rest set ``animated`` and kept (``canvas.copy_from_bbox``). This is matplotlib's own blitting
("Faster rendering by using blitting" in its guide). One visible difference from a full draw:
spines and grid lines belong to the frame, so a line crossing a spine is drawn over it.

The pixels become a PNG with :func:`quick_png` (no row filter, zlib level 1): an explorer's
image lives only in the widget, never in a stored notebook, so the smallest file is not worth
the time Pillow's filtering takes.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Hashable

from ._info import figure_info
from ._style import Rendered, figure_text, house_style, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

__all__ = ["LiveFigure", "quick_png"]


class LiveFigure:
    """A figure that lives as long as its explorer: every :meth:`render` redraws it in place.

    Parameters
    ----------
    nrows, ncols : int
        The axes grid handed to ``draw`` (one axes, or an array of axes like ``plt.subplots``).

    Examples
    --------
    >>> from margin_lab.plots import line_style
    >>> def draw_level(ax, level):
    ...     ax.plot([0, 1], [level, level], label="Price", **line_style("price"))
    ...     ax.set(title=f"Level {level}", xlabel="Time (days)", ylabel="Price (USDT)", ylim=(0, 10))
    ...     ax.legend(loc="upper left")
    >>> live = LiveFigure()
    >>> first, second = live.render(draw_level, 2), live.render(draw_level, 3)
    >>> second.info.title, second.info.legend, second.text, len(live.figure.axes[0].lines)
    ('Level 3', ('Price',), '<Figure size 720x360 with 1 Axes>', 1)
    >>> first.png != second.png, first.positions == second.positions
    (True, True)
    """

    #: How many frames a live figure keeps (about 1 MB each for one row of axes).
    KEPT_FRAMES = 8

    def __init__(self, nrows: int = 1, ncols: int = 1):
        self.grid = (nrows, ncols)
        self.figure, self.axes = new_figure(nrows, ncols)
        self._laid_out = False
        #: Tick parameters of each fresh axis, to put back before every render.
        self._ticks = [{which: axis.get_tick_params(which=which) for which in ("major", "minor")}
                       for ax in self.figure.axes for axis in (ax.xaxis, ax.yaxis)]
        self._frames: OrderedDict[Hashable, Any] = OrderedDict()
        #: Renders whose frame was pasted back, and renders that drew their frame.
        self.reused = self.drawn = 0

    def render(self, draw: Callable[..., Any], result: Any, **draw_options: Any) -> Rendered:
        """Clear the axes, ``draw(axes, result, **draw_options)`` and render the figure to PNG."""
        fig = self.figure
        with house_style():
            for i, ax in enumerate(fig.axes):
                _empty(ax, self._ticks[2 * i: 2 * i + 2])
            draw(self.axes, result, **draw_options)
            if self._laid_out:
                self._blit()
            else:  # the first render: lay out once, then keep the positions
                fig.canvas.draw()
                fig.set_layout_engine("none")
                self._laid_out = True
            png = quick_png(fig.canvas.buffer_rgba())
            info = figure_info(fig)
        positions = tuple(tuple(float(v) for v in ax.get_position().bounds) for ax in fig.axes)
        return Rendered(png=png, text=figure_text(fig), info=info, positions=positions)

    def _blit(self) -> None:
        fig, canvas = self.figure, self.figure.canvas
        key = _frame_key(fig)
        rest = _foreground(fig)
        background = self._frames.get(key)
        if background is None:
            self.drawn += 1
            for artist in rest:
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                for artist in rest:
                    artist.set_animated(False)
            background = canvas.copy_from_bbox(fig.bbox)
            self._frames[key] = background
            while len(self._frames) > self.KEPT_FRAMES:
                self._frames.popitem(last=False)
        else:
            self.reused += 1
            self._frames.move_to_end(key)
            canvas.restore_region(background)
        for artist in rest:
            fig.draw_artist(artist)


def _empty(ax: Any, ticks: list[dict[str, dict[str, Any]]]) -> None:
    """Put ``ax`` back to how :func:`~margin_lab.plots._style.new_figure` made it (inside
    ``house_style``), keeping its position: what ``Axes.clear`` does for our draw functions.

    An axis that took units from the data (category names such as ``ax.barh(["Wallet"], ...)``)
    keeps its unit converter through this; such an axes is cleared with ``Axes.clear``.
    """
    if ax.xaxis.have_units() or ax.yaxis.have_units():
        ax.clear()
        return
    for child in list(ax.child_axes):  # insets (``ax.inset_axes``) a draw function added last time
        child.remove()
    for container in list(ax.containers):
        container.remove()
    for artist in [*ax.lines, *ax.patches, *ax.texts, *ax.collections, *ax.images, *ax.artists, *ax.tables]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    for loc in ("center", "left", "right"):
        ax.set_title("", loc=loc)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xscale("linear")  # also restores the default locators and formatters
    ax.set_yscale("linear")
    for axis, params in zip((ax.xaxis, ax.yaxis), ticks):
        axis.set_inverted(False)
        for which, kept in params.items():
            axis.set_tick_params(which=which, reset=True, **kept)
    ax.relim()
    ax.set_autoscale_on(True)
    ax.grid(False)
    ax.grid(True)  # the house style's grid, as rcParams give it


def _frame_parts(ax: Any) -> list["Artist"]:
    return [ax.patch, *ax.spines.values(), ax.xaxis, ax.yaxis]


def _foreground(fig: "Figure") -> list["Artist"]:
    """Everything but the frames, in the order ``Figure.draw`` and ``Axes.draw`` draw it."""
    ordered: list[Artist] = []
    for ax in sorted(fig.axes, key=lambda a: a.get_zorder()):
        if ax.get_visible():
            frame = {id(a) for a in _frame_parts(ax)}
            ordered += sorted((a for a in ax.get_children() if id(a) not in frame), key=lambda a: a.get_zorder())
    axes = {id(a) for a in fig.axes}
    ordered += sorted((a for a in fig.get_children() if a is not fig.patch and id(a) not in axes),
                      key=lambda a: a.get_zorder())
    return ordered


def _axis_key(axis: "Axis") -> tuple:
    """Tick positions and labels, as the locators and formatters give them, and tick settings."""
    key: list[Any] = [axis.get_scale(), axis.get_visible(), axis.get_label_position(),
                      axis.label.get_text(), axis.label.get_fontsize(), repr(axis.label.get_color())]
    for which, locator, formatter in (("major", axis.get_major_locator(), axis.get_major_formatter()),
                                      ("minor", axis.get_minor_locator(), axis.get_minor_formatter())):
        ticks = [float(v) for v in locator()]
        offset = formatter.get_offset() if hasattr(formatter, "get_offset") else ""
        key += [tuple(ticks), tuple(formatter.format_ticks(ticks)), offset,
                repr(sorted(axis.get_tick_params(which=which).items()))]
    return tuple(key)


def _frame_key(fig: "Figure") -> Hashable:
    """Everything that decides how the figure's frames look, as one hashable value."""
    key: list[Any] = [tuple(fig.get_size_inches()), fig.dpi, repr(fig.get_facecolor())]
    for ax in fig.axes:
        key.append((ax.get_visible(), ax.axison, tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
                    repr(ax.get_facecolor()), tuple(spine.get_visible() for spine in ax.spines.values()),
                    _axis_key(ax.xaxis), _axis_key(ax.yaxis)))
    return tuple(key)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def quick_png(pixels: Any) -> bytes:
    """An RGBA pixel buffer (rows from the top) as a PNG file: no row filter, zlib level 1.

    The PNG format (W3C, "Portable Network Graphics (PNG) Specification", 3rd edition, 2025):
    the signature, an ``IHDR`` chunk (width, height, 8 bits per channel, colour type 6 = RGBA
    or 2 = RGB), one ``IDAT`` chunk holding the zlib-compressed rows, each led by its filter
    type (0: none), and ``IEND``; every chunk is length, type, data and the CRC-32 of type and
    data. An opaque image (every alpha 255, as our figures are) is written as RGB: a quarter
    less to compress.

    >>> import numpy as np
    >>> png = quick_png(np.full((2, 3, 4), 255, dtype=np.uint8))
    >>> png[:8], png[12:16], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"), png[25]
    (b'\\x89PNG\\r\\n\\x1a\\n', b'IHDR', 3, 2, 2)
    """
    import numpy as np

    image = np.asarray(pixels, dtype=np.uint8)
    if image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"pixels must be a height x width x 4 (RGBA) array, got shape {image.shape}")
    height, width, _ = image.shape
    opaque = bool((image[:, :, 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.zeros((height, width * channels + 1), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:] = (image[:, :, :3] if opaque else image).reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))
