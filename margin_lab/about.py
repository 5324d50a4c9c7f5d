"""About this installation: the setup check every lesson runs, the versions in use, a widget test.

The setup cell of every lesson (lessons/AUTHORING.md) finds ``margin_lab`` and then calls
``check_setup()``, which names any package the course needs but this kernel cannot import.
Lesson 0 prints ``about()`` (the versions) and shows ``widget_demo()`` (a slider drawn from the
kernel) so a learner sees at once whether widgets work in their JupyterLab.

Nothing here imports numpy, matplotlib or ipywidgets at module import time: ``check_setup`` and
``about`` only look the packages up (``importlib.util.find_spec``, ``importlib.metadata``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    import ipywidgets

# Import names of the packages the lessons need, in the order about() prints them.
REQUIRED_PACKAGES: tuple[str, ...] = ("numpy", "matplotlib", "ipywidgets")

# Oldest Python the course supports (pyproject.toml: requires-python = ">=3.11").
MINIMUM_PYTHON = (3, 11)


def check_setup(packages: Sequence[str] = REQUIRED_PACKAGES) -> None:
    """Check that this kernel can run the lessons; print nothing when it can.

    Parameters
    ----------
    packages : sequence of str
        Import names to look for (default: numpy, matplotlib, ipywidgets). They are looked up,
        not imported, so the check is quick and has no side effects.

    Raises
    ------
    ModuleNotFoundError
        Naming every missing package, how to install them and which Python this kernel runs
        (the usual cause is a notebook running in another environment's kernel).
    RuntimeError
        When Python is older than 3.11.
    TypeError
        When ``packages`` is a single string instead of a sequence of names.

    Notes
    -----
    Taught in lessons/00_start_here.ipynb (the setup cell); lessons/AUTHORING.md gives the
    setup cell's text.

    Examples
    --------
    >>> check_setup(["sys", "json"])
    >>> check_setup(["json", "no_such_package_here"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ModuleNotFoundError: margin-lab needs no_such_package_here; ...
    """
    import importlib.util

    if isinstance(packages, str):
        raise TypeError(f"packages must be a sequence of import names, got the string {packages!r}")
    if sys.version_info[:2] < MINIMUM_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        raise RuntimeError(
            f"margin-lab needs Python >= {MINIMUM_PYTHON[0]}.{MINIMUM_PYTHON[1]}, got {found} "
            f"({sys.executable}); choose a newer kernel (Kernel > Change Kernel)"
        )
    missing = [name for name in packages if importlib.util.find_spec(name) is None]
    if missing:
        names = ", ".join(missing)
        raise ModuleNotFoundError(
            f"margin-lab needs {names}; install with: {_install_hint(missing)}; then restart the "
            f"kernel. This kernel runs {sys.executable}",
            name=missing[0],
        )


def _install_hint(missing: Sequence[str]) -> str:
    """How to install what is missing, right from the folder this kernel runs in.

    In a checkout (the folder above ``margin_lab`` holds pyproject.toml) the course is installed
    with its dependencies by ``%pip install -e ROOT``, ROOT being the repository root as seen from
    the kernel's working folder (a notebook's own folder): ``..`` from lessons/, ``../..`` from
    lessons/student/. Anywhere else the missing packages themselves are named.
    """
    import os
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        return f"%pip install {' '.join(missing)} in a cell of this notebook"
    try:
        where = os.path.relpath(root)
    except ValueError:  # another drive on Windows: no relative path
        where = str(root)
    return (
        f"%pip install -e {shlex.quote(where)} in a cell of this notebook ({where} is the repository "
        f"root seen from this kernel's folder, {os.getcwd()}), or pip install -e . in a terminal at "
        f"the repository root"
    )


def versions(packages: Sequence[str] = REQUIRED_PACKAGES) -> dict[str, str]:
    """Versions in use: Python (major.minor), margin-lab, then each package (or "not installed").

    Package versions come from the installed distributions' metadata
    (``importlib.metadata``), so nothing heavy is imported. margin-lab's own version is the
    running code's ``margin_lab.__version__`` (a checkout need not be installed).

    Examples
    --------
    >>> table = versions(["no_such_package_here"])
    >>> list(table)
    ['Python', 'margin-lab', 'no_such_package_here']
    >>> table["Python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    True
    >>> table["no_such_package_here"]
    'not installed'
    """
    from importlib import metadata

    from . import __version__

    table = {"Python": f"{sys.version_info.major}.{sys.version_info.minor}", "margin-lab": __version__}
    for name in packages:
        try:
            table[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            table[name] = "not installed"
    return table


def about() -> None:
    """Print the versions in use, one per line (Python as major.minor only).

    The lines have the form ``"  <name>  <version>"`` under the heading ``Versions in use:``;
    lessons/nbval_sanitize.cfg relies on that form to compare these lines without their
    version numbers.

    Notes
    -----
    Taught in lessons/00_start_here.ipynb.

    Examples
    --------
    >>> about()  # doctest: +ELLIPSIS
    Versions in use:
      Python      3...
      margin-lab  ...
      numpy       ...
      matplotlib  ...
      ipywidgets  ...
    """
    table = versions()
    width = max(len(name) for name in table) + 2
    print("Versions in use:")
    for name, version in table.items():
        print(f"  {name:<{width}}{version}")


def widget_demo(value: int = 5) -> ipywidgets.Output:
    """A slider drawn inside an Output widget from the kernel: does this notebook show widgets?

    The Output widget's outputs are set from the kernel (never with ``with out:``), the way
    every margin_lab explorer draws, so JupyterLab, nbclient and nbval all see the same thing.
    Moving the slider rewrites the sentence under it.

    Parameters
    ----------
    value : int
        Where the slider starts, 0 to 10.

    Returns
    -------
    ipywidgets.Output
        Showing the slider ("Try me") and a sentence (a Label) that follows it; like an
        explorer handle it also carries ``.controls`` ({"slider": the IntSlider}) and
        ``.summary`` (the Label) for tests.

    Raises
    ------
    ValueError, TypeError
        For a ``value`` outside 0..10 or not a whole number.

    Notes
    -----
    Taught in lessons/00_start_here.ipynb ("How to use the widgets").

    Examples
    --------
    >>> demo = widget_demo(3)
    >>> demo.summary.value
    'The slider is at 3. Move it: this sentence follows.'
    >>> demo.controls["slider"].value = 7
    >>> demo.summary.value
    'The slider is at 7: widgets work in this notebook.'
    """
    from ._checks import require_count

    start = require_count("value", value, minimum=0)
    if start > 10:
        raise ValueError(f"value must be a whole number in [0, 10], got {value!r}")
    import ipywidgets as widgets

    slider = widgets.IntSlider(
        value=start,
        min=0,
        max=10,
        description="Try me",
        tooltip="Drag and release: the sentence below changes",
        continuous_update=False,
    )
    sentence = widgets.Label(value=f"The slider is at {start}. Move it: this sentence follows.")

    def follow(change: dict) -> None:
        sentence.value = f"The slider is at {change['new']}: widgets work in this notebook."

    slider.observe(follow, names="value")
    demo = widgets.Output(outputs=(_display_data(slider), _display_data(sentence)))
    # An Output holds views, not children: name the widgets the way explorer handles do.
    demo.controls = {"slider": slider}
    demo.summary = sentence
    return demo


def _display_data(widget: ipywidgets.Widget) -> dict:
    """One display_data output showing ``widget`` (its live view plus a text fallback)."""
    return {"output_type": "display_data", "data": widget._repr_mimebundle_(), "metadata": {}}
