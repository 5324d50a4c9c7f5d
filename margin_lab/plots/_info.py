"""What a drawn figure shows, as plain data: titles, axis labels, labelled lines, bars and areas.

Tests read a figure through :func:`figure_info` instead of a browser or a screenshot: "the
liquidation line moved" becomes a comparison of two tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LineInfo", "BarInfo", "PatchInfo", "AxesInfo", "FigureInfo", "figure_info"]


@dataclass(frozen=True)
class LineInfo:
    """One labelled line: its legend label, data, colour (hex) and line style."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    color: str
    linestyle: str
    marker: str


@dataclass(frozen=True)
class BarInfo:
    """One labelled bar series: the bars' lengths (heights, or widths for ``barh``) and starts."""

    label: str
    values: tuple[float, ...]
    starts: tuple[float, ...]
    color: str
    hatch: str


@dataclass(frozen=True)
class PatchInfo:
    """One labelled rectangle outside a bar series (an ``axhspan`` band): x, y, width, height."""

    label: str
    x: float
    y: float
    width: float
    height: float
    color: str
    hatch: str


@dataclass(frozen=True)
class AxesInfo:
    """Everything one axes shows, in drawing order."""

    title: str
    xlabel: str
    ylabel: str
    lines: tuple[LineInfo, ...]
    bars: tuple[BarInfo, ...]
    patches: tuple[PatchInfo, ...]
    texts: tuple[str, ...]
    legend: tuple[str, ...]

    def line(self, label: str) -> LineInfo:
        """The first line whose label starts with ``label``."""
        return _first(self.lines, label, "line")

    def bar(self, label: str) -> BarInfo:
        """The first bar series whose label starts with ``label``."""
        return _first(self.bars, label, "bar series")

    def patch(self, label: str) -> PatchInfo:
        """The first labelled area whose label starts with ``label``."""
        return _first(self.patches, label, "area")


@dataclass(frozen=True)
class FigureInfo:
    """The axes of a figure; the first axes' title, labels, lines, bars and areas also directly."""

    axes: tuple[AxesInfo, ...]

    @property
    def first(self) -> AxesInfo:
        if not self.axes:
            raise ValueError("the figure has no axes")
        return self.axes[0]

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def xlabel(self) -> str:
        return self.first.xlabel

    @property
    def ylabel(self) -> str:
        return self.first.ylabel

    @property
    def lines(self) -> tuple[LineInfo, ...]:
        return self.first.lines

    @property
    def bars(self) -> tuple[BarInfo, ...]:
        return self.first.bars

    @property
    def patches(self) -> tuple[PatchInfo, ...]:
        return self.first.patches

    @property
    def texts(self) -> tuple[str, ...]:
        return self.first.texts

    @property
    def legend(self) -> tuple[str, ...]:
        return self.first.legend

    def line(self, label: str) -> LineInfo:
        return self.first.line(label)

    def bar(self, label: str) -> BarInfo:
        return self.first.bar(label)

    def patch(self, label: str) -> PatchInfo:
        return self.first.patch(label)


def _first(items: tuple, label: str, kind: str):
    for item in items:
        if item.label.startswith(label):
            return item
    raise KeyError(f"no {kind} labelled {label!r}; labels: {[item.label for item in items]}")


def _visible_label(artist: Any) -> str | None:
    label = artist.get_label()
    return None if not label or label.startswith("_") else str(label)


def _floats(values: Any) -> tuple[float, ...]:
    import numpy as np

    return tuple(float(v) for v in np.asarray(values, dtype=float).ravel())


def _box(patch: Any) -> tuple[float, float, float, float] | None:
    """(x, y, width, height) of a rectangle in its own coordinates, or None for another shape.

    ``axhspan``/``axvspan`` give a Rectangle from matplotlib 3.9 and a four-corner Polygon
    before; both read the same here.
    """
    import numpy as np
    from matplotlib.patches import Polygon, Rectangle

    if isinstance(patch, Rectangle):
        return (float(patch.get_x()), float(patch.get_y()), float(patch.get_width()), float(patch.get_height()))
    if isinstance(patch, Polygon):
        corners = np.asarray(patch.get_xy(), dtype=float)
        xs, ys = set(corners[:, 0].tolist()), set(corners[:, 1].tolist())
        if len(xs) == 2 and len(ys) == 2:  # axis-aligned: a span drawn by matplotlib < 3.9
            return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return None


def _axes_info(ax: "Axes") -> AxesInfo:
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    lines = []
    for line in ax.lines:
        label = _visible_label(line)
        if label is not None:
            lines.append(
                LineInfo(
                    label,
                    _floats(line.get_xdata()),
                    _floats(line.get_ydata()),
                    to_hex(line.get_color()).upper(),
                    str(line.get_linestyle()),
                    str(line.get_marker()),
                )
            )
    bars, in_bars = [], set()
    for container in ax.containers:
        patches = [p for p in container.patches if isinstance(p, Rectangle)]
        in_bars.update(id(p) for p in patches)
        label = _visible_label(container)
        if label is None or not patches:
            continue
        horizontal = getattr(container, "orientation", None) == "horizontal"
        values = [p.get_width() if horizontal else p.get_height() for p in patches]
        starts = [p.get_x() if horizontal else p.get_y() for p in patches]
        first = patches[0]
        bars.append(
            BarInfo(
                label, _floats(values), _floats(starts), to_hex(first.get_facecolor()).upper(), first.get_hatch() or ""
            )
        )
    spans = []
    for patch in ax.patches:
        label = _visible_label(patch)
        box = _box(patch)
        if label is None or id(patch) in in_bars or box is None:
            continue
        spans.append(PatchInfo(label, *box, to_hex(patch.get_facecolor()).upper(), patch.get_hatch() or ""))
    legend = ax.get_legend()
    return AxesInfo(
        title=ax.get_title("center") or ax.get_title("left") or ax.get_title("right"),
        xlabel=ax.get_xlabel(),
        ylabel=ax.get_ylabel(),
        lines=tuple(lines),
        bars=tuple(bars),
        patches=tuple(spans),
        texts=tuple(t.get_text() for t in ax.texts),
        legend=tuple(t.get_text() for t in legend.get_texts()) if legend is not None else (),
    )


def figure_info(fig: "Figure") -> FigureInfo:
    """Read back what ``fig`` shows (every axes, in order).

    Examples
    --------
    >>> from margin_lab.plots import new_figure
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [2, 3], label="Price")
    >>> _ = ax.set(title="Path", xlabel="Time (days)", ylabel="Price (USDT)")
    >>> info = figure_info(fig)
    >>> info.title, info.xlabel, info.line("Price").y
    ('Path', 'Time (days)', (2.0, 3.0))
    """
    return FigureInfo(tuple(_axes_info(ax) for ax in fig.axes))
