"""The house style: one figure size, one colour-blind-safe palette, PNG rendering without pyplot.

Every margin_lab figure is a :class:`matplotlib.figure.Figure` drawn on a
:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`, never through ``pyplot``, so no
global figure registry or backend is touched, and it is rendered to PNG bytes that are the same
on every run (``metadata={"Software": None}``). Style settings apply only inside
:func:`house_style` (a ``matplotlib.rc_context``): ``matplotlib.rcParams`` is the same after
drawing as before.

Colours are Okabe and Ito's palette for colour-blind readers, and every role also has its own
line style or hatch, so colour is never the only cue. matplotlib and IPython are imported inside
functions: importing this module stays cheap.

References
----------
Okabe, M. and Ito, K. (2008), "Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people", jfly.uni-koeln.de/color/.
"""

from __future__ import annotations

import base64
import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .._checks import require_count
from ._info import FigureInfo, figure_info

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "ROLES",
    "FIGSIZE",
    "DPI",
    "line_style",
    "fill_style",
    "house_style",
    "new_figure",
    "figure_png",
    "figure_text",
    "nice_limits",
    "round_up",
    "add_bars",
    "label_bars",
    "fixed_ticks",
    "display_data",
    "Rendered",
    "render",
    "show",
]

#: Okabe-Ito colours by their published names (Okabe and Ito 2008).
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Figure size in inches and resolution: 720 × 360 pixels for one row of axes.
FIGSIZE: tuple[float, float] = (7.2, 3.6)
DPI: int = 100

#: What each thing in a figure looks like: colour plus a line style (lines) or hatch (areas),
#: so two roles never differ by colour alone.
ROLES: dict[str, dict[str, Any]] = {
    "price": {"color": PALETTE["blue"], "linestyle": "-", "linewidth": 2.0},
    "equity": {"color": PALETTE["blue"], "linestyle": "-", "linewidth": 2.0},
    "maintenance": {"color": PALETTE["orange"], "linestyle": "--", "linewidth": 1.6},
    "liquidation": {"color": PALETTE["vermillion"], "linestyle": "--", "linewidth": 1.8},
    "bankruptcy": {"color": PALETTE["black"], "linestyle": ":", "linewidth": 1.8},
    "entry": {"color": PALETTE["reddish_purple"], "linestyle": "-.", "linewidth": 1.4},
    "warning": {"color": PALETTE["orange"], "linestyle": "-.", "linewidth": 1.4},
    "mark": {"color": PALETTE["black"], "linestyle": "none", "marker": "o", "markersize": 7},
    "event": {"color": PALETTE["vermillion"], "linestyle": "none", "marker": "X", "markersize": 10},
    "zero": {"color": PALETTE["black"], "linestyle": "-", "linewidth": 0.8},
    # areas
    "safe": {"facecolor": PALETTE["bluish_green"], "edgecolor": PALETTE["black"], "hatch": ""},
    "at_risk": {"facecolor": PALETTE["vermillion"], "edgecolor": PALETTE["black"], "hatch": "//"},
    "fee": {"facecolor": PALETTE["orange"], "edgecolor": PALETTE["black"], "hatch": "xx"},
    "loss": {"facecolor": PALETTE["sky_blue"], "edgecolor": PALETTE["black"], "hatch": "\\\\"},
    "cushion": {"facecolor": PALETTE["reddish_purple"], "edgecolor": PALETTE["black"], "hatch": ".."},
    "band": {"facecolor": PALETTE["orange"], "edgecolor": PALETTE["orange"], "hatch": "//", "alpha": 0.25},
}

# Applied only inside house_style(); yellow is left out of the cycle (too pale on white).
_CYCLE_COLORS = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black")
_CYCLE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))


def _rc() -> dict[str, Any]:
    from cycler import cycler

    return {
        "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
        "font.size": 10,
        "axes.titlesize": 11,
        # Titles sit just above the axes (none of our axes has ticks on top). Left unset,
        # matplotlib measures the x-axis of every axes sharing x to place each title: about
        # 20 ms per axes in every full draw on this project's machine.
        "axes.titley": 1.0,
        "axes.labelsize": 10,
        "legend.fontsize": 8.5,
        "legend.framealpha": 0.9,
        "axes.grid": True,
        "axes.autolimit_mode": "round_numbers",  # limits on ticks: a frame that moves less
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(
            color=[PALETTE[name] for name in _CYCLE_COLORS], linestyle=list(_CYCLE_STYLES)
        ),
        "hatch.linewidth": 0.8,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
    }


def line_style(role: str) -> dict[str, Any]:
    """Keyword arguments for ``ax.plot``/``axhline`` drawing ``role`` (colour, line style, width).

    >>> line_style("liquidation")
    {'color': '#D55E00', 'linestyle': '--', 'linewidth': 1.8}
    """
    return dict(_role(role))


def fill_style(role: str) -> dict[str, Any]:
    """Keyword arguments for ``ax.bar``/``barh``/``axhspan`` filling ``role`` (colour and hatch).

    >>> fill_style("at_risk")["hatch"]
    '//'
    """
    return dict(_role(role))


def _role(role: str) -> dict[str, Any]:
    if role not in ROLES:
        raise ValueError(f"role must be one of {sorted(ROLES)}, got {role!r}")
    return ROLES[role]


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style to figures created and drawn inside the block, and only there.

    >>> import matplotlib
    >>> before = dict(matplotlib.rcParams)
    >>> with house_style():
    ...     fig, ax = new_figure()
    >>> dict(matplotlib.rcParams) == before
    True
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        yield


def new_figure(nrows: int = 1, ncols: int = 1) -> tuple["Figure", Any]:
    """A fresh figure and its axes, made without pyplot (nothing to close, no global state).

    720 pixels wide and 360 pixels high per row. Returns ``(fig, ax)`` for one axes and
    ``(fig, array of axes)`` otherwise, like ``plt.subplots``.

    >>> fig, ax = new_figure()
    >>> figure_text(fig)
    '<Figure size 720x360 with 1 Axes>'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    nrows = require_count("nrows", nrows)
    ncols = require_count("ncols", ncols)
    with house_style():
        fig = Figure(figsize=(FIGSIZE[0], FIGSIZE[1] * nrows), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def figure_png(fig: "Figure") -> bytes:
    """The figure as PNG bytes, identical on every run (no software or date stamp).

    >>> fig, ax = new_figure()
    >>> figure_png(fig)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def nice_limits(low: float, high: float, *, pad: float = 0.06, bins: int = 8) -> tuple[float, float]:
    """Axis limits around ``[low, high]``: widened by ``pad`` of the span on each side, then
    moved outward to a multiple of a round step (1, 2, 2.5 or 5 times a power of ten, about
    ``bins`` steps in all).

    Round limits read better, and they keep an explorer's axes still while a slider moves the
    data within one step.

    >>> nice_limits(-600, 10_600)
    (-2000.0, 12000.0)
    >>> nice_limits(0, 9.5, pad=0)  # pad=0 keeps a limit that is already round
    (0.0, 10.0)
    """
    import math

    span = high - low or abs(high) or 1.0
    low, high = low - pad * span, high + pad * span
    raw = (high - low) / require_count("bins", bins)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-12))
    return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step


def round_up(value: float) -> float:
    """The smallest of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 and 8 times a power of ten that is at
    least ``value`` (> 0): an axis limit that stays put while the data moves a little.

    Steps are at most 25 % apart, so the data fills at least four fifths of the axis, and an
    explorer's axis stays put while the data moves a little.

    >>> round_up(10.8), round_up(0.071), round_up(5)
    (12.5, 0.08, 5.0)
    """
    import math

    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"value must be a finite number > 0, got {value!r}")
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value * (1 - 1e-12):
            return float(round(step * magnitude, 12))
    raise AssertionError("unreachable: 10 x magnitude exceeds value")  # pragma: no cover


def add_bars(ax: Any, positions: Any, values: Any, *, width: float, start: Any = 0.0,
             horizontal: bool = False, label: str = "", **style: Any) -> Any:
    """Bars like ``ax.bar`` (or ``ax.barh`` with ``horizontal``), for axes whose limits the caller
    sets: one Rectangle per value, from ``start`` (a number or one per bar) to ``start + value``,
    centred on its position, kept in a :class:`matplotlib.container.BarContainer` labelled
    ``label`` (for the legend, ``ax.bar_label`` and :func:`margin_lab.plots.figure_info`).

    Unlike ``ax.bar``, the bars do not widen the axes' data limits: ``ax.bar`` measures every
    bar's outline for autoscaling, a third of an explorer's drawing step on this project's
    machine. Set both limits yourself.

    >>> fig, ax = new_figure()
    >>> bars = add_bars(ax, [0, 1], [3.0, -1.0], width=0.5, label="Loss", **fill_style("at_risk"))
    >>> [(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in bars], bars.get_label()
    ([(-0.25, 0.0, 0.5, 3.0), (0.75, 0.0, 0.5, -1.0)], 'Loss')
    """
    import numpy as np
    from matplotlib.container import BarContainer
    from matplotlib.patches import Rectangle

    where = np.asarray(positions, dtype=float).ravel()
    sizes = np.asarray(values, dtype=float).ravel()
    if where.shape != sizes.shape:
        raise ValueError(f"positions and values must have the same length, got {where.size} and {sizes.size}")
    starts = np.broadcast_to(np.asarray(start, dtype=float), sizes.shape)
    patches = []
    for at, size, begin in zip(where.tolist(), sizes.tolist(), starts.tolist()):
        if horizontal:
            bar = Rectangle((begin, at - width / 2), size, width, label="_nolegend_", **style)
        else:
            bar = Rectangle((at - width / 2, begin), width, size, label="_nolegend_", **style)
        ax.add_artist(bar)
        patches.append(bar)
    container = BarContainer(patches, datavalues=sizes, orientation="horizontal" if horizontal else "vertical",
                             label=label)
    ax.add_container(container)
    return container


def label_bars(ax: Any, bars: Any, labels: Any, *, padding: float = 0.0, center: bool = False,
               **text_style: Any) -> list:
    """Write ``labels`` on ``bars`` (a BarContainer) as ``ax.bar_label`` places them: past the end
    of each bar, ``padding`` points away (``center=False``), or in its middle (``center=True``).

    Plain texts instead of annotations: an annotation checks, on every draw, whether its point
    lies in the axes and builds its offset transform again (about 1 ms a label on this project's
    machine, and the mode chooser writes ten). ``tests/test_plots.py`` checks the pixels are
    ``ax.bar_label``'s for bars inside the axes (bar_label centres a label on the visible part of
    its bar; this on the whole bar). An inverted axis is read when the labels are made.

    >>> fig, ax = new_figure()
    >>> _ = ax.set(xlim=(-1, 2), ylim=(-2, 5))
    >>> bars = add_bars(ax, [0, 1], [3.0, -1.0], width=0.5)
    >>> [(t.get_text(), t.get_va()) for t in label_bars(ax, bars, ["3", "-1"], padding=2)]
    [('3', 'bottom'), ('-1', 'top')]
    """
    from matplotlib.transforms import ScaledTranslation

    figure = ax.figure
    vertical = bars.orientation != "horizontal"
    flipped = (ax.yaxis.get_inverted() if vertical else ax.xaxis.get_inverted())
    texts = []
    for bar, value, label in zip(bars.patches, bars.datavalues, labels):
        (x0, y0), (x1, y1) = bar.get_bbox().get_points()
        sign = 1 if value >= 0 else -1
        if center:
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            texts.append(ax.text(x, y, label, ha="center", va="center", **text_style))
            continue
        away = (-1 if flipped else 1) * sign * padding / 72
        if vertical:
            x, y = (x0 + x1) / 2, (max(y0, y1) if value >= 0 else min(y0, y1))
            shift, ha = ScaledTranslation(0, away, figure.dpi_scale_trans), "center"
            va = ("top" if value > 0 else "bottom") if flipped else ("top" if value < 0 else "bottom")
        else:
            x, y = (max(x0, x1) if value >= 0 else min(x0, x1)), (y0 + y1) / 2
            shift, va = ScaledTranslation(away, 0, figure.dpi_scale_trans), "center"
            ha = ("right" if value > 0 else "left") if flipped else ("right" if value < 0 else "left")
        texts.append(ax.text(x, y, label, ha=ha, va=va, transform=ax.transData + shift, **text_style))
    return texts


def fixed_ticks(axis: Any, positions: Any, labels: Any = None, *, fontsize: float | None = None) -> None:
    """Ticks at fixed positions with fixed labels, as ``ax.set_xticks(positions, labels)`` draws them.

    Set through a locator and a formatter, so matplotlib makes the tick objects only when it
    draws the axis (``set_xticks`` makes one per tick at once: about a fifth of a two-panel
    explorer's callback on this project's machine).

    >>> fig, ax = new_figure()
    >>> fixed_ticks(ax.xaxis, [0, 1], ["crash", "grind"])
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['crash', 'grind']
    """
    from matplotlib.ticker import FixedFormatter, FixedLocator

    axis.set_major_locator(FixedLocator([float(p) for p in positions]))
    if labels is not None:
        axis.set_major_formatter(FixedFormatter([str(label) for label in labels]))
    if fontsize is not None:
        axis.set_tick_params(labelsize=fontsize)


def figure_text(fig: "Figure") -> str:
    """The stable plain-text stand-in for a figure, as matplotlib writes it (no address)."""
    width, height = fig.get_size_inches() * fig.dpi
    return f"<Figure size {width:g}x{height:g} with {len(fig.axes)} Axes>"


def display_data(png: bytes, text: str) -> dict[str, Any]:
    """One notebook output entry (nbformat ``display_data``) holding a PNG and its text.

    >>> entry = display_data(b"PNG", "<Figure size 720x360 with 1 Axes>")
    >>> entry["output_type"], sorted(entry["data"])
    ('display_data', ['image/png', 'text/plain'])
    """
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text},
        "metadata": {},
    }


@dataclass(frozen=True)
class Rendered:
    """A drawn figure, kept as PNG bytes, its plain-text stand-in and what it shows."""

    png: bytes
    text: str
    info: FigureInfo
    positions: tuple[tuple[float, float, float, float], ...] = ()

    def output(self) -> dict[str, Any]:
        """The nbformat ``display_data`` entry for an Output widget's ``outputs``."""
        return display_data(self.png, self.text)


def render(
    draw: Callable[..., Any], result: Any, *, nrows: int = 1, ncols: int = 1, **draw_options: Any
) -> Rendered:
    """Draw ``result`` with ``draw(ax, result, **draw_options)`` on a fresh figure and render it.

    Nothing is displayed; the figure is discarded after rendering (it was never registered
    with pyplot, so there is nothing to close). An explorer keeps one figure instead
    (:class:`margin_lab.plots._live.LiveFigure`).

    Examples
    --------
    >>> def draw_line(ax, result):
    ...     ax.plot([0, 1], result, label="Price", **line_style("price"))
    ...     ax.set(title="A line", xlabel="Time (days)", ylabel="Price (USDT)")
    >>> shown = render(draw_line, [1, 2])
    >>> shown.text, shown.info.title, shown.info.line("Price").y
    ('<Figure size 720x360 with 1 Axes>', 'A line', (1.0, 2.0))
    """
    with house_style():
        fig, axes = new_figure(nrows, ncols)
        draw(axes, result, **draw_options)
        png = figure_png(fig)
        info = figure_info(fig)
        text = figure_text(fig)
        laid_out = tuple(tuple(float(v) for v in ax.get_position().bounds) for ax in fig.axes)
    return Rendered(png=png, text=text, info=info, positions=laid_out)


def show(draw: Callable[..., Any], result: Any, *, nrows: int = 1, ncols: int = 1, **draw_options: Any) -> None:
    """One lesson cell, one figure: draw ``result``, display the PNG, then print its summary.

    The display carries ``image/png`` and a stable ``text/plain`` (no memory address); the
    printed ``result.summary()`` states the figure's key numbers in words, for screen readers
    and for nbval, which compares it on every run.

    Parameters
    ----------
    draw : callable
        A ``draw_<thing>(ax, result)`` function from :mod:`margin_lab.plots`.
    result : object with ``summary() -> str``
        A frozen result from the matching compute function.
    nrows, ncols : int
        Axes grid passed to ``draw`` (one axes by default).
    **draw_options
        Passed on to ``draw``.
    """
    summary = getattr(result, "summary", None)
    if not callable(summary):
        raise TypeError(
            f"result must have a summary() method (a frozen result from a margin_lab compute "
            f"function), got {type(result).__name__}"
        )
    from IPython.display import display

    shown = render(draw, result, nrows=nrows, ncols=ncols, **draw_options)
    display(shown.output()["data"], raw=True)
    print(summary())
