"""Fast re-renders for explorers: keep the drawn frame of a figure, redraw only what changed.

Most of the time matplotlib spends on one of our figures goes into text: tick labels, axis
labels, the title's placement (measured on this project's 2-core machine: about 50 ms for an
empty labelled axes, before any data). While a learner moves a slider, the *frame* of an
explorer's figure (axes background, grid, ticks and tick labels, spines, axis labels) is often
exactly what it was a moment ago; only the data, the legend and the titles change.

A :class:`FrameCache` remembers a few rendered frames, keyed by everything that decides how a
frame looks (axes positions, limits, scales, tick positions and labels, axis labels). A render
whose frame is in the cache pastes those pixels back and draws only the foreground artists on
top, in the order matplotlib would draw them; a render whose frame is new draws the frame once
(foreground hidden), keeps it, and carries on the same way. Either way the picture is the one
matplotlib draws, up to one detail: spines, tick marks and grid lines are part of the frame, so
a data line crossing a spine is drawn over it rather than under it.

This is matplotlib's own blitting technique (``canvas.copy_from_bbox`` and
``restore_region``; see the matplotlib guide "Faster rendering by using blitting") applied to
a whole figure. Stored notebook outputs never use it: they are drawn by ``savefig``.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Hashable

from .._checks import require_count

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FrameCache", "quick_png"]


def _frame_artists(ax: "Axes") -> list["Artist"]:
    return [ax.patch, *ax.spines.values(), *ax._axis_map.values()]


def _titles(ax: "Axes") -> list["Artist"]:
    return [ax.title, ax._left_title, ax._right_title]


def _foreground(fig: "Figure") -> list["Artist"]:
    """Artists outside the frame, in the order ``Figure.draw`` would draw them."""
    ordered: list[Artist] = []
    for ax in sorted(fig.axes, key=lambda a: a.get_zorder()):
        if not ax.get_visible():
            continue
        frame = {id(a) for a in _frame_artists(ax)}
        children = [a for a in ax.get_children() if id(a) not in frame]
        ordered.extend(sorted(children, key=lambda a: a.get_zorder()))
    axes = {id(a) for a in fig.axes}
    figure_level = [a for a in fig.get_children() if a is not fig.patch and id(a) not in axes]
    ordered.extend(sorted(figure_level, key=lambda a: a.get_zorder()))
    return ordered


def _bar_style(artist: Any) -> Hashable | None:
    """What decides how a plain Rectangle (a bar) is drawn, apart from where; None for any other artist."""
    from matplotlib.patches import Rectangle

    from ._legends import handle_style

    if type(artist) is not Rectangle or not artist.get_visible() or artist.get_clip_path() is not None:
        return None
    if artist.get_path_effects() or artist.get_sketch_params() is not None or artist.get_url() or artist.get_gid():
        return None
    box = artist.get_clip_box()
    return (
        handle_style(artist), id(artist.axes), artist.get_zorder(), artist.get_antialiased(),
        artist.get_capstyle(), artist.get_joinstyle(), artist.get_snap(), artist.get_clip_on(),
        None if box is None else tuple(box.bounds),
    )


def _apart(boxes: list, gap: float) -> bool:
    """True when no two boxes come within ``gap`` pixels of each other."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 + gap and b.y0 < a.y1 + gap:
                return False
    return True


def _merged_bars(artists: list["Artist"]) -> list["Artist"]:
    """``artists`` with each run of like bars (consecutive plain Rectangles, same style, apart
    from each other) replaced by one patch whose path holds them all.

    Agg draws a hatched patch by first drawing its hatch tile (about 1 ms a bar on this
    project's machine); one path for the run draws the tile once. The pixels are the same: the
    hatch pattern is anchored to the canvas, not to the patch, and bars that do not touch are
    filled and outlined as they would be one by one (``tests/test_frames.py`` checks it).
    """
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from matplotlib.transforms import IdentityTransform

    merged: list[Artist] = []
    i = 0
    while i < len(artists):
        style = _bar_style(artists[i])
        j = i + 1
        while style is not None and j < len(artists) and _bar_style(artists[j]) == style:
            j += 1
        run = artists[i:j]
        if len(run) < 2 or not _apart([bar.get_window_extent() for bar in run], 2 + run[0].get_linewidth() * 2):
            merged.extend(run)
            i = j
            continue
        first = run[0]
        shape = PathPatch(Path.make_compound_path(*(bar.get_transform().transform_path(bar.get_path()) for bar in run)))
        shape.update_from(first)
        shape.set_transform(IdentityTransform())
        shape.set_figure(first.get_figure(root=False))
        shape.set_zorder(first.get_zorder())
        shape.set_antialiased(first.get_antialiased())
        shape.set_capstyle(first.get_capstyle())
        shape.set_joinstyle(first.get_joinstyle())
        shape.set_snap(first.get_snap())
        if hasattr(first, "_hatch_linewidth"):
            shape._hatch_linewidth = first._hatch_linewidth
        merged.append(shape)
        i = j
    return merged


def _tick_text(axis: Any) -> tuple:
    """Tick positions, labels and tick settings as the locators, formatters and tick parameters
    give them (without making Tick objects: matplotlib makes those lazily, at some cost)."""
    major = axis.major.locator()
    labels = axis.major.formatter.format_ticks(major)
    offset = axis.major.formatter.get_offset() if hasattr(axis.major.formatter, "get_offset") else ""
    settings = tuple(sorted((name, repr(value)) for name, value in {**axis._major_tick_kw, **{
        f"minor {name}": value for name, value in axis._minor_tick_kw.items()}}.items()))
    return (tuple(float(v) for v in major), tuple(labels), offset,
            tuple(float(v) for v in axis.minor.locator()), settings)


#: How many rasterised texts a renderer keeps (least recently used ones go first).
KEPT_TEXTS = 512


def _keep_text_images(renderer: Any) -> None:
    """Make ``renderer`` keep the bitmap of every text it draws, and paste it when the same text
    in the same font is drawn again.

    ``RendererAgg.draw_text`` lays out and rasterises the glyphs of a text every time (about
    1 ms a label on this project's machine); an explorer draws the same tick-free labels, legend
    entries and bar values render after render. The bitmap, its offset and its descent are what
    ``draw_text`` computes before it pastes; this does the same paste with a kept bitmap. Any
    other text (mathtext, a renderer without these internals) goes to ``draw_text`` itself.
    """
    import math

    import numpy as np

    try:
        from matplotlib.backends.backend_agg import get_hinting_flag

        prepare, paste = renderer._prepare_font, renderer._renderer.draw_text_image
    except (ImportError, AttributeError):  # another matplotlib: draw every text afresh
        return
    original = renderer.draw_text
    kept: OrderedDict[Hashable, tuple[Any, float, float, float]] = OrderedDict()

    def draw_text(gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                  ismath: Any = False, mtext: Any = None) -> None:
        if ismath:
            return original(gc, x, y, s, prop, angle, ismath, mtext)
        key = (s, hash(prop), bool(gc.get_antialiased()), get_hinting_flag())
        entry = kept.get(key)
        if entry is None:
            font = prepare(prop)
            font.set_text(s, 0, flags=key[3])
            font.draw_glyphs_to_bitmap(antialiased=key[2])
            offset_x, offset_y = font.get_bitmap_offset()
            entry = (np.array(font, copy=True), font.get_descent() / 64.0, offset_x / 64.0, offset_y / 64.0)
            kept[key] = entry
            while len(kept) > KEPT_TEXTS:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        image, descent, offset_x, offset_y = entry
        across, down = descent * math.sin(math.radians(angle)), descent * math.cos(math.radians(angle))
        paste(image, round(x + offset_x + across), round(y + offset_y + down) + 1, angle, gc)

    renderer.draw_text = draw_text


def _frame_key(fig: "Figure") -> Hashable:
    """Everything that decides how the figure's frame looks, as a hashable value."""
    key: list[Any] = [tuple(fig.get_size_inches()), fig.dpi, fig.get_facecolor()]
    for ax in fig.axes:
        key.append((
            ax.get_visible(), ax.axison, tuple(ax.get_position().bounds),
            ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
            ax.get_xlabel(), ax.get_ylabel(), ax.get_facecolor(),
            ax.xaxis.get_visible(), ax.yaxis.get_visible(),
            tuple(spine.get_visible() for spine in ax.spines.values()),
            ax.xaxis.get_label_position(), ax.yaxis.get_label_position(),
            _tick_text(ax.xaxis), _tick_text(ax.yaxis),
        ))
    return tuple(key)


class FrameCache:
    """The last few frames an explorer drew, so the next render draws only its foreground.

    Parameters
    ----------
    size : int
        How many frames to keep (least recently used ones go first). A frame of a 720 × 720
        figure holds about 2 MB of pixels.

    Examples
    --------
    >>> from margin_lab.plots._style import new_figure, house_style
    >>> cache = FrameCache()
    >>> def labelled_line(height):
    ...     fig, ax = new_figure()
    ...     fig.set_layout_engine("none")
    ...     ax.plot([0, 1], [height, height], label="price")
    ...     ax.set(xlim=(0, 1), ylim=(0, 10), title=f"height {height}", xlabel="x (days)", ylabel="y (USDT)")
    ...     return fig
    >>> with house_style():
    ...     first, second = cache.png(labelled_line(2)), cache.png(labelled_line(3))
    >>> first[:8] == b'\\x89PNG\\r\\n\\x1a\\n', first != second, cache.hits, cache.misses
    (True, True, 1, 1)
    """

    def __init__(self, size: int = 8):
        self.size = require_count("size", size)
        self._frames: OrderedDict[Hashable, tuple[Any, list]] = OrderedDict()
        self._renderer: tuple[Hashable, Any] | None = None
        #: Legend pixels by legend and place, kept by :mod:`margin_lab.plots._legends`.
        self.legends: OrderedDict[Hashable, tuple[int, int, Any]] = OrderedDict()
        self._blank: tuple[Hashable, Any] | None = None
        self.hits = 0
        self.misses = 0

    def blank_renderer(self, width: int, height: int, dpi: float) -> Any:
        """A cleared, transparent canvas of the figure's size, kept between calls (for drawing
        one artist alone, such as a legend whose pixels are then kept)."""
        from matplotlib.backends.backend_agg import RendererAgg

        key = (width, height, dpi)
        if self._blank is None or self._blank[0] != key:
            self._blank = (key, RendererAgg(width, height, dpi))
            _keep_text_images(self._blank[1])
        else:
            self._blank[1].clear()
        return self._blank[1]

    def _reuse_renderer(self, canvas: Any) -> None:
        """Give a fresh canvas the renderer of the last one of the same size and resolution.

        matplotlib caches text measurements per renderer, so a new renderer per render measures
        every tick label and legend entry again; one renderer for all of an explorer's renders
        measures each text once. (``FigureCanvasAgg.get_renderer`` reuses ``canvas.renderer``
        when ``canvas._lastKey`` matches the figure's size and dpi.)
        """
        width, height = canvas.figure.bbox.size
        key = (width, height, canvas.figure.dpi)
        if self._renderer is not None and self._renderer[0] == key:
            canvas.renderer, canvas._lastKey = self._renderer[1], key
        else:
            _keep_text_images(canvas.get_renderer())
        self._renderer = (key, canvas.get_renderer())

    def png(self, fig: "Figure") -> bytes:
        """Render ``fig`` (laid out already, no layout engine) to PNG bytes, reusing a frame.

        The figure must not be laid out again while drawing (constrained layout would move
        the axes after the frame was chosen): call with a figure whose layout engine is
        ``"none"``. The PNG is written by :func:`quick_png` (no metadata).
        """
        from matplotlib.layout_engine import PlaceHolderLayoutEngine

        engine = fig.get_layout_engine()
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            raise ValueError(f"fig must have no layout engine (a fixed layout), got {engine!r}")
        canvas = fig.canvas
        self._reuse_renderer(canvas)
        key = _frame_key(fig)
        cached = self._frames.get(key)
        foreground = _foreground(fig)
        if cached is None:
            self.misses += 1
            with ExitStack() as stack:
                for artist in foreground:  # titles too: they are children of their axes
                    stack.enter_context(artist._cm_set(animated=True))
                canvas.draw()
            placed = [[tuple(title.get_position()) for title in _titles(ax)] for ax in fig.axes]
            cached = (canvas.copy_from_bbox(fig.bbox), placed)
            self._frames[key] = cached
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)
        else:
            self.hits += 1
            self._frames.move_to_end(key)
            canvas.restore_region(cached[0])
            for ax, places in zip(fig.axes, cached[1]):
                for title, place in zip(_titles(ax), places):
                    title.set_position(place)
        renderer = canvas.get_renderer()
        for artist in _merged_bars(foreground):
            artist.draw(renderer)
        return quick_png(canvas.buffer_rgba())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def quick_png(pixels: Any) -> bytes:
    """An RGBA pixel buffer (rows from the top) as a PNG file: no row filter, zlib level 1.

    The PNG format (W3C, "Portable Network Graphics (PNG) Specification", 3rd edition, 2025):
    the signature, an ``IHDR`` chunk (width, height, 8 bits per channel, colour type 6 =
    RGBA), one ``IDAT`` chunk holding the zlib-compressed rows, each led by its filter type
    (0: none), and ``IEND``; every chunk is length, type, data and the CRC-32 of type and data.
    Pillow's encoder tries a filter per row: twice the time for an explorer's figure on this
    project's machine (25 ms against 11 ms for 720 × 720), for a file about as large.

    >>> import numpy as np
    >>> png = quick_png(np.full((2, 3, 4), 255, dtype=np.uint8))
    >>> png[:8], png[12:16], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (b'\\x89PNG\\r\\n\\x1a\\n', b'IHDR', 3, 2)
    """
    import numpy as np

    image = np.asarray(pixels, dtype=np.uint8)
    if image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"pixels must be a height x width x 4 (RGBA) array, got shape {image.shape}")
    height, width, _ = image.shape
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:] = image.reshape(height, width * 4)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))
