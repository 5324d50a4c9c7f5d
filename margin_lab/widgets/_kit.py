"""The Explorer handle and its controls: compute -> draw -> render, wired to ipywidgets.

How an explorer renders (so that JupyterLab, nbclient and nbval all see the same outputs): on
every change the callback calls ``compute(**control values)`` for a frozen result, redraws it
with ``draw(ax, result)`` on the explorer's one pyplot-free figure
(:class:`~margin_lab.plots._live.LiveFigure`, kept as long as the explorer), renders PNG bytes
and *replaces* the Output widget's ``outputs`` from the kernel with one ``display_data`` entry. It never uses
``interact``, ``interactive_output`` or ``with output:``. The result's ``summary()`` goes to
a separate HTML widget; a ``ValueError`` from margin_lab goes to a status line, and the last
good figure and summary stay.

ipywidgets is imported inside functions, so importing this module stays cheap.
"""

from __future__ import annotations

import html
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from .._checks import require_text
from ..plots._info import FigureInfo
from ..plots._live import LiveFigure
from ..plots._style import DPI, FIGSIZE

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

__all__ = ["WidgetHandle", "Explorer", "slider", "toggle", "dropdown", "text_html"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def text_html(text: str) -> str:
    """Plain text as HTML paragraphs, one per line, escaped (no markup gets through)."""
    return "".join(f"<p style='margin: 0.2em 0'>{html.escape(line)}</p>" for line in text.splitlines() if line)


class WidgetHandle:
    """A Python handle around a widget tree: displays as the live ``view`` with a stable text.

    A notebook cell ending with the handle shows the widget through
    ``application/vnd.jupyter.widget-view+json``; its ``text/plain`` is a short fixed
    description instead of ipywidgets' default, which lists every child and changes with
    them.
    """

    view: "ipywidgets.Widget"

    def __init__(self, view: "ipywidgets.Widget", text: str):
        self.view = view
        self._text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        return {
            "text/plain": self._text,
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.view.model_id},
        }

    def __repr__(self) -> str:
        return self._text


# ---------------------------------------------------------------------------------------------
# Controls: each has a description and a tooltip; sliders update on release.

_STYLE = {"description_width": "initial"}


def slider(
    description: str,
    *,
    value: float,
    min: float,
    max: float,
    step: float,
    tooltip: str,
    readout_format: str | None = None,
    integer: bool = False,
) -> "ipywidgets.Widget":
    """A slider that updates on release (``continuous_update=False``), with a tooltip.

    ``readout_format`` is a d3-format string: ``",.0f"`` (the default; ``",d"`` with
    ``integer=True``) for amounts, ``".2%"`` shows a fraction as a percentage (0.005 -> 0.50%)
    while the value stays a fraction.

    >>> leverage = slider("Leverage (x)", value=10, min=1, max=100, step=1, tooltip="Position value / collateral")
    >>> leverage.value, leverage.continuous_update, leverage.tooltip
    (10.0, False, 'Position value / collateral')
    """
    import ipywidgets as widgets

    if not min <= value <= max:
        raise ValueError(f"value must be in [{min:g}, {max:g}] for the slider {description!r}, got {value!r}")
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    return kind(
        value=value,
        min=min,
        max=max,
        step=step,
        description=require_text("description", description),
        tooltip=require_text("tooltip", tooltip),
        continuous_update=False,
        readout_format=readout_format or (",d" if integer else ",.0f"),
        style=_STYLE,
        layout=widgets.Layout(width="340px"),
    )


def _pairs(description: str, options: Iterable[Any], value: Any) -> list[tuple[str, Any]]:
    pairs = [(o if isinstance(o, tuple) else (str(o), o)) for o in options]
    if not pairs:
        raise ValueError("options must hold at least one choice, got []")
    values = [v for _, v in pairs]
    if value not in values:
        raise ValueError(f"value must be one of {values} for the control {description!r}, got {value!r}")
    return [(str(label), v) for label, v in pairs]


def toggle(
    description: str, options: Iterable[Any], *, value: Any, tooltip: str, tooltips: Iterable[str] | None = None
) -> "ipywidgets.Widget":
    """Toggle buttons for a few choices; ``options`` are values or (label, value) pairs.

    >>> side = toggle("Side", ["long", "short"], value="long", tooltip="Direction of the position")
    >>> side.value, side.description
    ('long', 'Side')
    """
    import ipywidgets as widgets

    pairs = _pairs(description, options, value)
    return widgets.ToggleButtons(
        options=pairs,
        value=value,
        description=require_text("description", description),
        tooltip=require_text("tooltip", tooltip),
        tooltips=list(tooltips) if tooltips is not None else [label for label, _ in pairs],
        style={**_STYLE, "button_width": "auto"},
    )


def dropdown(description: str, options: Iterable[Any], *, value: Any, tooltip: str) -> "ipywidgets.Widget":
    """A dropdown; ``options`` are values or (label, value) pairs.

    >>> preset = dropdown("Venue", [("Custom", "custom"), ("Bybit", "bybit")], value="custom", tooltip="Preset")
    >>> preset.value
    'custom'
    """
    import ipywidgets as widgets

    return widgets.Dropdown(
        options=_pairs(description, options, value),
        value=value,
        description=require_text("description", description),
        tooltip=require_text("tooltip", tooltip),
        style=_STYLE,
        layout=widgets.Layout(width="340px"),
    )


def option_values(widget: Any) -> list[Any] | None:
    """The values a selection widget can take (its ``options``, read through the public
    trait: plain values, ``(label, value)`` pairs or a mapping of label to value); ``None`` for
    a widget without options (a slider).

    >>> option_values(dropdown("Venue", [("Custom", "custom"), ("Bybit", "bybit")], value="bybit", tooltip="Preset"))
    ['custom', 'bybit']
    >>> option_values(slider("Leverage (x)", value=10, min=1, max=100, step=1, tooltip="Value / collateral")) is None
    True
    """
    options = getattr(widget, "options", None)
    if options is None:
        return None
    if isinstance(options, Mapping):
        return list(options.values())
    return [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]


def another_value(widget: Any) -> Any:
    """A different legal value for a control: the next option (wrapping round), or one step
    along a slider (back one step at its top). Tests and the benchmark move controls with it.

    >>> another_value(dropdown("Venue", [("Custom", "custom"), ("Bybit", "bybit")], value="bybit", tooltip="Preset"))
    'custom'
    >>> another_value(slider("Leverage (x)", value=100, min=1, max=100, step=1, tooltip="Value / collateral"))
    99.0
    """
    options = option_values(widget)
    if options:
        return options[(options.index(widget.value) + 1) % len(options)]
    step = widget.step or (widget.max - widget.min) / 10
    return widget.value + step if widget.value + step <= widget.max else widget.value - step


# ---------------------------------------------------------------------------------------------


class Explorer(WidgetHandle):
    """An interactive figure: controls -> ``compute(**values)`` -> ``draw(ax, result)``.

    Parameters
    ----------
    title : str
        Shown above the controls and, with the number of controls, as the stable
        ``text/plain`` (``"Liquidation-price explorer (6 controls)"``).
    controls : mapping of name -> widget
        The names are ``compute``'s keyword arguments; every widget needs a description and a
        tooltip (use :func:`slider`, :func:`toggle`, :func:`dropdown`).
    compute : callable
        ``compute(**values) -> result``: pure, returns a frozen result with ``summary()``,
        raises ``ValueError`` for a combination it refuses.
    draw : callable
        ``draw(ax, result)`` from :mod:`margin_lab.plots`.
    sync : callable, optional
        ``sync(controls, changed)`` adjusts other controls after ``changed`` (a set of names)
        changed, before computing (e.g. a venue preset filling in its rates). Changes it makes
        do not trigger more renders.
    nrows, ncols : int
        Axes grid handed to ``draw``.

    Attributes
    ----------
    view, controls, output, status, summary
        The container, the controls by name, the Output widget holding the figure, the status
        line (empty, or why the last change was refused) and the summary widget.
    result
        The last computed frozen result.

    Raises
    ------
    ValueError
        If a control lacks a description or tooltip, or the initial values are refused by
        ``compute`` (a factory called with impossible settings).
    """

    def __init__(
        self,
        title: str,
        controls: Mapping[str, Any],
        compute: Callable[..., Any],
        draw: Callable[..., Any],
        *,
        sync: Callable[[dict[str, Any], set[str]], None] | None = None,
        nrows: int = 1,
        ncols: int = 1,
    ):
        import ipywidgets as widgets

        title = require_text("title", title)
        self.controls: dict[str, Any] = dict(controls)
        for name, control in self.controls.items():
            if not getattr(control, "description", ""):
                raise ValueError(f"controls[{name!r}] must have a description, got {control.description!r}")
            if not getattr(control, "tooltip", None):
                raise ValueError(f"controls[{name!r}] must have a tooltip (what it means, with units), got None")
        self._compute, self._draw, self._sync = compute, draw, sync
        self._quiet = False
        self._figure = LiveFigure(nrows, ncols)
        self.result: Any = None
        self._info: FigureInfo | None = None
        height = round(FIGSIZE[1] * nrows * DPI) + 12
        self.output = widgets.Output(layout=widgets.Layout(height=f"{height}px", overflow="hidden"))
        self.status = widgets.HTML(value="", layout=widgets.Layout(min_height="1.6em"))
        self.summary = widgets.HTML(value="")
        heading = widgets.HTML(value=f"<b>{html.escape(title)}</b>")
        box = widgets.Box(
            list(self.controls.values()),
            layout=widgets.Layout(display="flex", flex_flow="row wrap", grid_gap="4px 16px"),
        )
        view = widgets.VBox([heading, box, self.status, self.output, self.summary])
        noun = "control" if len(self.controls) == 1 else "controls"
        super().__init__(view, f"{title} ({len(self.controls)} {noun})")
        if self._sync is not None:
            with self._silenced():
                self._sync(self.controls, set(self.controls))
        error = self._render()
        if error is not None:
            raise error
        for control in self.controls.values():
            control.observe(self._changed, names="value")

    @contextmanager
    def _silenced(self) -> Iterator[None]:
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous

    def _changed(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        names = {name for name, control in self.controls.items() if control is change["owner"]}
        if self._sync is not None:
            with self._silenced():
                self._sync(self.controls, names)
        self._render()

    def values(self) -> dict[str, Any]:
        """The controls' current values by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _render(self) -> ValueError | None:
        try:
            result = self._compute(**self.values())
            shown = self._figure.render(self._draw, result)
        except ValueError as error:
            self.status.value = (
                "<span style='color: #D55E00'>&#9888; Not drawn: </span>"
                f"{html.escape(str(error))}. The figure still shows the last valid settings."
            )
            return error
        self.result = result
        self._info = shown.info
        self.output.outputs = (shown.output(),)
        self.summary.value = text_html(result.summary())
        self.status.value = ""
        return None

    def set(self, **values: Any) -> None:
        """Set controls by name and re-render once, synchronously (for tests and lessons).

        Refuses unknown names and values a control cannot hold (a slider never clamps here):
        ``ValueError`` naming the control, the value and what it allows. A combination that
        ``compute`` refuses is not an error: it shows in the status line, as in the browser.
        """
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"control must be one of {sorted(self.controls)}, got {name!r}")
            self._check_value(name, self.controls[name], value)
        with self._silenced():
            for name, value in values.items():
                self.controls[name].value = value
            if self._sync is not None:
                self._sync(self.controls, set(values))
        self._render()

    @staticmethod
    def _check_value(name: str, control: Any, value: Any) -> None:
        options = option_values(control)
        if options is not None:
            if value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r}")
            return
        low, high = getattr(control, "min", None), getattr(control, "max", None)
        if low is not None and high is not None:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number in [{low:g}, {high:g}], got {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{name} must be in [{low:g}, {high:g}] (the slider's range), got {value!r}")

    def figure_info(self) -> FigureInfo:
        """Title, axis labels, lines, bars and areas of the figure on show (for tests)."""
        if self._info is None:  # unreachable: the constructor renders or raises
            raise RuntimeError("no figure has been drawn yet")
        return self._info

    @property
    def status_text(self) -> str:
        """The status line as plain text ("" when the last change was drawn)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value))
