"""A quick legend for explorers: the legend matplotlib draws, laid out by arithmetic.

After the frame (:mod:`margin_lab.plots._frames`), legends were the dearest part of an
explorer's callback render: building a six-entry :class:`matplotlib.legend.Legend` and drawing
it took 35-45 ms on this project's 2-core machine (most of it nested offset-box layout that
measures every label six times), and the two-panel explorers draw two. Their labels often
carry numbers ("Liquidation 18,200"), so a legend may change with every slider move: keeping
its pixels alone would not do.

:func:`legend` is what the draw functions call instead of ``ax.legend``. On a static figure (a
lesson cell, a stored notebook output) it *is* ``ax.legend``. On an explorer's figure (one that
:func:`margin_lab.plots.render` draws with a :class:`~margin_lab.plots._frames.FrameCache`) it
attaches a ``QuickLegend``: the same entries, the same placement rules and the same sizes as
matplotlib's legend (its ``rcParams["legend.*"]`` paddings in font-size units, its anchoring of
``loc`` and ``bbox_to_anchor``, its "best" search), computed directly from each label's
measured width, height and descent. It draws the frame, one small line, marker or patch per
entry and the labels: a few milliseconds. And while a legend's entries and place stay the same,
its pixels, drawn once on a blank canvas, are pasted again. ``tests/test_legends.py`` compares
it with matplotlib's legend pixel by pixel.

Supported options: ``loc`` (a name, or "best"), ``bbox_to_anchor`` (a point in axes
coordinates), ``ncols`` (or ``ncol``), ``fontsize`` and ``borderaxespad``. Anything else, or a
handle of a kind this module does not draw (an error bar, a stem), gets matplotlib's legend.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["legend", "handle_style", "QUICK_OPTIONS"]

#: The ``ax.legend`` options a quick legend understands.
QUICK_OPTIONS = frozenset({"loc", "bbox_to_anchor", "ncols", "ncol", "fontsize", "borderaxespad"})

# matplotlib's location codes and the corner of the container each one anchors to.
_CODES = {
    "upper right": 1, "upper left": 2, "lower left": 3, "lower right": 4, "right": 5,
    "center left": 6, "center right": 7, "lower center": 8, "upper center": 9, "center": 10,
}
_ANCHORS = {1: (1.0, 1.0), 2: (0.0, 1.0), 3: (0.0, 0.0), 4: (1.0, 0.0), 5: (1.0, 0.5),
            6: (0.0, 0.5), 7: (1.0, 0.5), 8: (0.5, 0.0), 9: (0.5, 1.0), 10: (0.5, 0.5)}


@functools.lru_cache(maxsize=4096)
def _metrics(text: str, prop: Any, dpi: float) -> tuple[float, float, float]:
    """Width, height and descent of ``text`` in pixels, as Agg measures it (kept per text)."""
    return _measuring_renderer(dpi).get_text_width_height_descent(text, prop, ismath=False)


@functools.lru_cache(maxsize=4)
def _measuring_renderer(dpi: float) -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


@functools.cache
def _quick_legend_class() -> type:
    """The ``QuickLegend`` artist class (made on first use: importing this module stays cheap)."""
    import matplotlib
    import numpy as np
    from matplotlib.artist import Artist
    from matplotlib.collections import PolyCollection
    from matplotlib.container import BarContainer
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Patch, Rectangle
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox, IdentityTransform

    class QuickLegend(Artist):
        """A legend laid out by arithmetic and drawn directly: see the module docstring."""

        zorder = 5  # matplotlib's Legend.zorder: over the data

        def __init__(self, ax: "Axes", handles: list, labels: list[str], options: dict[str, Any],
                     frames: Any, key: Any):
            super().__init__()
            self._frames, self._key = frames, key
            rc = matplotlib.rcParams
            self.set_figure(ax.get_figure(root=False))
            self.set_clip_on(False)
            self._parent_axes = ax
            self._handles, self._labels = handles, labels
            loc = options.get("loc", rc["legend.loc"])
            if loc != "best" and loc not in _CODES:
                raise ValueError(f"loc must be 'best' or one of {sorted(_CODES)}, got {loc!r}")
            self._loc = loc
            self._anchor = options.get("bbox_to_anchor")
            self._ncols = int(options.get("ncols", options.get("ncol", 1)))
            self._prop = FontProperties(size=options.get("fontsize", rc["legend.fontsize"]))
            self._borderaxespad = options.get("borderaxespad", rc["legend.borderaxespad"])
            self._rc = {name: rc[f"legend.{name}"] for name in (
                "borderpad", "labelspacing", "handlelength", "handleheight", "handletextpad",
                "columnspacing", "framealpha", "edgecolor", "facecolor", "fancybox", "frameon")}
            self._face = rc["axes.facecolor"] if self._rc["facecolor"] == "inherit" else self._rc["facecolor"]
            self._edge = rc["axes.edgecolor"] if self._rc["edgecolor"] == "inherit" else self._rc["edgecolor"]
            self._patch_width = rc["patch.linewidth"]
            self._text_colour = rc["text.color"] if rc["legend.labelcolor"] in (None, "None") else rc["legend.labelcolor"]

        def get_texts(self) -> list:
            """The entries' labels as Text artists, like :meth:`matplotlib.legend.Legend.get_texts`."""
            return [Text(text=label) for label in self._labels]

        def remove(self) -> None:
            if self._parent_axes.legend_ is self:
                self._parent_axes.legend_ = None

        # -- layout -------------------------------------------------------------------------
        def _layout(self, renderer: Any) -> tuple[Any, list[tuple[float, float]]]:
            """The legend's box and, per entry, the left edge and the baseline of its handle
            (display pixels)."""
            dpi = self.get_figure(root=True).dpi
            size = renderer.points_to_pixels(self._prop.get_size_in_points())
            rc = self._rc
            _, lp_height, lp_descent = _metrics("lp", self._prop, dpi)
            rows = []  # (text width, height above the baseline, depth below it)
            for label in self._labels:
                width, height, descent = _metrics(label, self._prop, dpi)
                line_height, line_descent = max(height, lp_height), max(descent, lp_descent)
                above = max(lp_height - lp_descent, line_height - line_descent, rc["handleheight"] * size)
                rows.append((width, above, line_descent))
            ncols = max(1, min(self._ncols, len(rows)))
            per_col, extra = divmod(len(rows), ncols)
            counts = [per_col + 1] * extra + [per_col] * (ncols - extra)
            handle_width = rc["handlelength"] * size
            gap, spacing = rc["handletextpad"] * size, rc["labelspacing"] * size
            columns, heights, start, x = [], [], 0, 0.0
            for count in counts:
                members = rows[start:start + count]
                y, placed = 0.0, []
                for row in members:
                    y -= row[1]
                    placed.append((x, y))
                    y -= row[2] + spacing
                columns.append(placed)
                heights.append(-y - spacing)
                x += handle_width + gap + max(r[0] for r in members) + rc["columnspacing"] * size
                start += count
            content_width = x - rc["columnspacing"] * size
            content_height = max(heights)
            pad = rc["borderpad"] * size
            width, height = content_width + 2 * pad, content_height + 2 * pad
            left, bottom = self._place(width, height, renderer, size)
            top = bottom + height - pad
            entries = [(left + pad + ex, top + ey) for col in columns for ex, ey in col]
            return Bbox.from_bounds(left, bottom, width, height), entries

        def _container(self) -> Any:
            ax = self._parent_axes
            if self._anchor is None:
                return ax.bbox
            x, y, *size = self._anchor
            w, h = size if size else (0.0, 0.0)
            return Bbox.from_bounds(x, y, w, h).transformed(ax.transAxes)

        def _anchored(self, code: int, width: float, height: float, pad: float) -> tuple[float, float]:
            container = self._container().padded(-pad)
            cx, cy = _ANCHORS[code]
            return container.x0 + cx * (container.width - width), container.y0 + cy * (container.height - height)

        def _place(self, width: float, height: float, renderer: Any, size: float) -> tuple[float, float]:
            pad = self._borderaxespad * size
            if self._loc != "best":
                return self._anchored(_CODES[self._loc], width, height, pad)
            boxes, paths, offsets = self._obstacles(renderer)
            candidates = []
            for code in range(1, 11):  # matplotlib's order; the first free place wins
                left, bottom = self._anchored(code, width, height, pad)
                box = Bbox.from_bounds(left, bottom, width, height)
                badness = (sum(box.count_contains(path.vertices) for path in paths)
                           + (box.count_contains(np.asarray(offsets)) if offsets else 0)
                           + (box.count_overlaps(boxes) if boxes else 0)
                           + sum(path.intersects_bbox(box, filled=False) for path in paths))
                candidates.append((badness, code, (left, bottom)))
                if badness == 0:
                    break
            return min(candidates)[2]

        def _obstacles(self, renderer: Any) -> tuple[list, list, list]:
            """What ``loc="best"`` avoids, as matplotlib's legend gathers it."""
            from matplotlib.collections import Collection

            boxes, paths, offsets = [], [], []
            for artist in self._parent_axes._children:
                if isinstance(artist, Line2D):
                    paths.append(artist.get_transform().transform_path(artist.get_path()))
                elif isinstance(artist, Rectangle):
                    boxes.append(artist.get_bbox().transformed(artist.get_data_transform()))
                elif isinstance(artist, Patch):
                    paths.append(artist.get_transform().transform_path(artist.get_path()))
                elif isinstance(artist, PolyCollection):
                    paths.extend(artist.get_transform().transform_path(p) for p in artist.get_paths())
                elif isinstance(artist, Collection):
                    transform, offset_transform, points, _ = artist._prepare_points()
                    if len(points):
                        offsets.extend(offset_transform.transform(points))
                elif isinstance(artist, Text):
                    boxes.append(artist.get_window_extent(renderer))
            return boxes, paths, offsets

        def get_window_extent(self, renderer: Any = None) -> Any:
            if renderer is None:
                renderer = self.get_figure(root=True)._get_renderer()
            return self._layout(renderer)[0]

        # -- drawing ------------------------------------------------------------------------
        def _handle_artists(self, handle: Any, left: float, baseline: float, size: float) -> list:
            rc = self._rc
            width, height = rc["handlelength"] * size, rc["handleheight"] * size
            if isinstance(handle, BarContainer):
                handle = handle.patches[0]
            if isinstance(handle, Line2D):
                # The handle's style, read through its getters (Line2D.update_from deep-copies
                # the marker: the dearest part of a legend entry).
                middle = baseline + height / 2
                common = {"color": handle.get_color(), "alpha": handle.get_alpha(),
                          "antialiased": handle.get_antialiased()}
                dashes = handle.get_linestyle()
                if dashes not in ("-", "None", " ", ""):
                    dashes = handle._unscaled_dash_pattern
                line = Line2D([left, left + width], [middle, middle], linestyle=dashes, marker="None",
                              linewidth=handle.get_linewidth(), dash_capstyle=handle.get_dash_capstyle(),
                              solid_capstyle=handle.get_solid_capstyle(), dash_joinstyle=handle.get_dash_joinstyle(),
                              solid_joinstyle=handle.get_solid_joinstyle(), **common)
                artists = [line]
                if handle.get_marker() not in ("None", "none", " ", "", None):
                    artists.append(Line2D(
                        [left + width / 2], [middle], linestyle="None", marker=handle.get_marker(),
                        markersize=handle.get_markersize(), markerfacecolor=handle.get_markerfacecolor(),
                        markeredgecolor=handle.get_markeredgecolor(), markeredgewidth=handle.get_markeredgewidth(),
                        fillstyle=handle.get_fillstyle(), **common))
            else:
                patch = Rectangle((left, baseline), width, height)
                if isinstance(handle, Patch):
                    patch.update_from(handle)
                else:  # a PolyCollection, as matplotlib's HandlerPolyCollection copies it
                    patch.set_facecolor(handle.get_facecolor()[0] if len(handle.get_facecolor()) else "none")
                    patch.set_edgecolor(handle.get_edgecolor()[0] if len(handle.get_edgecolor()) else "none")
                    patch.set_hatch(handle.get_hatch())
                    patch.set_linewidth(handle.get_linewidth()[0] if len(handle.get_linewidth()) else 0.0)
                    patch.set_alpha(handle.get_alpha())
                artists = [patch]
            figure = self.get_figure(root=False)
            for artist in artists:
                artist.set_figure(figure)
                artist.set_transform(IdentityTransform())
                artist.set_clip_on(False)
            return artists

        def _paint(self, renderer: Any, box: Any, entries: list[tuple[float, float]]) -> None:
            size = renderer.points_to_pixels(self._prop.get_size_in_points())
            if self._rc["frameon"]:
                style = "round,pad=0,rounding_size=0.2" if self._rc["fancybox"] else "square,pad=0"
                frame = FancyBboxPatch((box.x0, box.y0), box.width, box.height, boxstyle=style,
                                       mutation_scale=size, facecolor=self._face, edgecolor=self._edge,
                                       linewidth=self._patch_width, alpha=self._rc["framealpha"],
                                       transform=IdentityTransform(), snap=True)
                frame.set_figure(self.get_figure(root=False))
                frame.draw(renderer)
            gc = renderer.new_gc()
            gc.set_foreground(self._text_colour)
            gc.set_antialiased(matplotlib.rcParams["text.antialiased"])
            text_left = (self._rc["handlelength"] + self._rc["handletextpad"]) * size
            for handle, label, (left, baseline) in zip(self._handles, self._labels, entries):
                for artist in self._handle_artists(handle, left, baseline, size):
                    artist.draw(renderer)
                # Agg counts y from the top of the canvas and places text by its baseline.
                renderer.draw_text(gc, left + text_left, renderer.height - baseline, label, self._prop, 0.0)
            gc.restore()

        def _kept_pixels(self, renderer: Any, box: Any, entries: list) -> tuple[int, int, Any]:
            """The legend's pixels (RGBA, transparent around it) and where they go: drawn once
            on a blank canvas of the figure's size (so hatches and text land on the same pixel
            grid), then kept by the explorer's frame cache for every later render of the same
            legend at the same place."""
            width, height, dpi = int(renderer.width), int(renderer.height), renderer.dpi
            key = (self._key, tuple(box.bounds), width, height, dpi)
            kept = self._frames.legends
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
            scratch = self._frames.blank_renderer(width, height, dpi)
            self._paint(scratch, box, entries)
            left, bottom = max(math.floor(box.x0) - 2, 0), max(math.floor(box.y0) - 2, 0)
            right, top = min(math.ceil(box.x1) + 2, width), min(math.ceil(box.y1) + 2, height)
            rows = np.asarray(scratch.buffer_rgba())  # row 0 is the top of the figure
            kept[key] = (left, bottom, rows[height - top:height - bottom, left:right][::-1].copy())
            while len(kept) > KEPT_LEGENDS:
                kept.popitem(last=False)
            return kept[key]

        def draw(self, renderer: Any) -> None:
            if not self.get_visible():
                return
            renderer.open_group("legend", gid=self.get_gid())
            box, entries = self._layout(renderer)
            left, bottom, image = self._kept_pixels(renderer, box, entries)
            gc = renderer.new_gc()
            renderer.draw_image(gc, left, bottom, image)
            gc.restore()
            renderer.close_group("legend")
            self.stale = False

    return QuickLegend


#: How many legends' pixels an explorer keeps (least recently used ones go first).
KEPT_LEGENDS = 32


def _colour(value: Any) -> Any:
    from matplotlib.colors import to_rgba_array

    return tuple(map(tuple, to_rgba_array(value).round(6).tolist()))


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _rc_values() -> tuple:
    import matplotlib

    rc = matplotlib.rcParams
    return tuple(rc[name] for name in sorted(rc) if name.startswith(("legend.", "font.", "text.", "hatch.", "patch.",
                                                                       "lines.", "markers.", "axes.facecolor",
                                                                       "axes.edgecolor")))


def handle_style(handle: Any) -> Any:
    """Everything of a legend handle that shows in its legend entry, as a hashable value (the
    key under which an explorer keeps a legend's pixels); ``None`` for a kind it does not know.

    >>> from margin_lab.plots._style import new_figure, line_style
    >>> fig, ax = new_figure()
    >>> solid, = ax.plot([0, 1], [0, 1], **line_style("price"))
    >>> dashed, = ax.plot([0, 1], [0, 1], **line_style("liquidation"))
    >>> handle_style(solid) == handle_style(dashed), handle_style(object())
    (False, None)
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.container import BarContainer
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, BarContainer):  # the legend shows a bar container's first bar
        return ("bars", handle_style(handle.patches[0])) if handle.patches else None
    if isinstance(handle, Line2D):
        return (
            "line", _colour(handle.get_color()), handle.get_linestyle(), repr(handle._unscaled_dash_pattern),
            handle.get_linewidth(), repr(handle.get_marker()), handle.get_markersize(),
            _colour(handle.get_markerfacecolor()), _colour(handle.get_markeredgecolor()),
            handle.get_markeredgewidth(), handle.get_fillstyle(), handle.get_alpha(), handle.get_antialiased(),
            handle.get_dash_capstyle(), handle.get_solid_capstyle(), handle.get_dash_joinstyle(),
            handle.get_solid_joinstyle(),
        )
    if isinstance(handle, Patch):
        return (
            "patch", _colour(handle.get_facecolor()), _colour(handle.get_edgecolor()), handle.get_hatch(),
            repr(getattr(handle, "_hatch_color", None)), getattr(handle, "_hatch_linewidth", None),
            handle.get_linewidth(), repr(handle._unscaled_dash_pattern), handle.get_fill(), handle.get_alpha(),
        )
    if isinstance(handle, PolyCollection):
        return (
            "collection", _colour(handle.get_facecolor()), _colour(handle.get_edgecolor()), handle.get_hatch(),
            tuple(handle.get_linewidth()), handle.get_alpha(),
        )
    return None


def legend(ax: "Axes", **options: Any) -> Any:
    """``ax.legend(**options)`` for the axes' labelled artists; a quick one in explorers.

    On a figure that :func:`margin_lab.plots.render` draws for an explorer (one with a frame
    cache) the legend is a ``QuickLegend``; everywhere else it is the legend ``ax.legend``
    makes. Either way ``ax.get_legend().get_texts()`` gives the entries' labels.

    >>> from margin_lab.plots._style import new_figure, line_style
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1], label="Price", **line_style("price"))
    >>> [t.get_text() for t in legend(ax, loc="upper left").get_texts()]
    ['Price']
    """
    frames = getattr(ax.get_figure(root=True), "_margin_lab_frames", None)
    handles, labels = ax.get_legend_handles_labels()
    styles = tuple(handle_style(h) for h in handles)
    if frames is None or not labels or not set(options) <= QUICK_OPTIONS or None in styles:
        return ax.legend(**options)
    key = (tuple(labels), styles, tuple(sorted((name, _hashable(v)) for name, v in options.items())),
           *(_hashable(v) for v in _rc_values()))
    stand_in = _quick_legend_class()(ax, handles, labels, options, frames, key)
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.legend_ = stand_in
    stand_in._remove_method = lambda _: setattr(ax, "legend_", None)
    return stand_in
