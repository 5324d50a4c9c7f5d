"""The low end of `make test-matplotlib-range` is the low end pyproject.toml declares.

pyproject.toml allows numpy, matplotlib and ipywidgets from a lower bound up; the low range
environment must install exactly those bounds, or the claim "what pyproject allows works" goes
untested at its weakest point. A bound raised or lowered in one file and not the other fails here.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARY_DEPENDENCIES = ("numpy", "matplotlib", "ipywidgets")


def _make_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*\??=\s*(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert match, f"Makefile defines no {name}"
    return match.group(1)


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)\s*(?:,.*)?", requirement.strip())
        if match:
            bounds[match.group(1).lower()] = match.group(2)
    return bounds


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_the_low_environment_installs_exactly_the_declared_lower_bounds():
    bounds = _lower_bounds()
    pins = dict(p.split("==") for p in shlex.split(_make_variable("RANGE_LOW")) if "==" in p)
    for name in LIBRARY_DEPENDENCIES:
        assert name in bounds, f"pyproject.toml declares no lower bound (>=) for {name}"
        assert name in pins, f"RANGE_LOW does not pin {name}; pyproject.toml allows it from {bounds[name]}"
        assert _release(pins[name]) == _release(bounds[name]), (
            f"RANGE_LOW installs {name}=={pins[name]} but pyproject.toml allows {name}>={bounds[name]}")


def test_the_new_environment_takes_the_newest_of_each_library_dependency():
    names = shlex.split(_make_variable("RANGE_NEW"))
    assert sorted(names) == sorted(LIBRARY_DEPENDENCIES), f"RANGE_NEW should name each unpinned, got {names}"


def test_every_test_file_the_range_leaves_out_exists():
    left_out = _make_variable("RANGE_JUPYTER").split()
    assert left_out, "RANGE_JUPYTER is empty"
    for name in left_out:
        assert (ROOT / "tests" / f"test_{name}.py").is_file(), f"RANGE_JUPYTER names a missing file: test_{name}.py"
