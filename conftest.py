"""Repository-wide pytest settings for the lessons under strict nbval.

Whenever notebooks are collected (``--nbval``, or ``--nbval-lax``), they run:

* in a kernel of the Python running pytest (``--nbval-current-env``), so the project's .venv is
  used whatever kernelspecs the machine has, like tools/execute_lessons.py;
* with lessons/nbval_sanitize.cfg (widget model ids and the version lines of
  ``margin_lab.about()``), found from here so pytest may start in any folder.

Either default gives way to an explicit ``--nbval-kernel-name`` or ``--nbval-sanitize-with``.
"""

from __future__ import annotations

from pathlib import Path

SANITIZE = Path(__file__).resolve().parent / "lessons" / "nbval_sanitize.cfg"


def pytest_configure(config):
    option = config.option
    if not (getattr(option, "nbval", False) or getattr(option, "nbval_lax", False)):
        return
    if not option.nbval_sanitize_with:
        option.nbval_sanitize_with = str(SANITIZE)
    if not option.nbval_kernel_name:
        option.nbval_current_env = True
