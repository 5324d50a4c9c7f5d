"""One long-lived figure per explorer, redrawn in place with matplotlib's public API.

An explorer draws the same kind of picture again and again while a learner moves a control.
A :class:`LiveFigure` makes its figure and canvas once and keeps them for as long as the
explorer lives: each render clears the axes (``Axes.clear``), draws the new result on them and
draws the canvas. Keeping the canvas keeps its renderer, and with it matplotlib's cache of
measured texts: tick labels, legend entries and titles seen before are not measured again.

The figure is laid out once, by constrained layout, on the first render; later renders keep
those axes positions (a figure that does not jump while a slider moves, and no layout pass).

The pixels become a PNG with :func:`quick_png` (no row filter, zlib level 1): an explorer's
image lives only in the widget, never in a stored notebook, so the smallest file is not worth
the time Pillow's filtering takes.
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING, Any, Callable

from ._info import figure_info
from ._style import Rendered, figure_text, house_style, new_figure

if TYPE_CHECKING:  # pragma: no cover
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

    def __init__(self, nrows: int = 1, ncols: int = 1):
        self.figure, self.axes = new_figure(nrows, ncols)
        self._laid_out = False

    def render(self, draw: Callable[..., Any], result: Any, **draw_options: Any) -> Rendered:
        """Clear the axes, ``draw(axes, result, **draw_options)`` and render the figure to PNG."""
        fig = self.figure
        with house_style():
            for ax in fig.axes:
                ax.clear()
            draw(self.axes, result, **draw_options)
            fig.canvas.draw()
            if not self._laid_out:  # keep the first layout: later renders draw in place
                fig.set_layout_engine("none")
                self._laid_out = True
            png = quick_png(fig.canvas.buffer_rgba())
            info = figure_info(fig)
        positions = tuple(tuple(float(v) for v in ax.get_position().bounds) for ax in fig.axes)
        return Rendered(png=png, text=figure_text(fig), info=info, positions=positions)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def quick_png(pixels: Any) -> bytes:
    """An RGBA pixel buffer (rows from the top) as a PNG file: no row filter, zlib level 1.

    The PNG format (W3C, "Portable Network Graphics (PNG) Specification", 3rd edition, 2025):
    the signature, an ``IHDR`` chunk (width, height, 8 bits per channel, colour type 6 =
    RGBA), one ``IDAT`` chunk holding the zlib-compressed rows, each led by its filter type
    (0: none), and ``IEND``; every chunk is length, type, data and the CRC-32 of type and data.

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
