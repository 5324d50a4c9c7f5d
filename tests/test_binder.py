"""Binder: the pins are the tested versions, the config is cached well, and it really runs the course.

Fast tests read binder/ and compare it with the environment running the tests. The slow test
builds what Binder builds (a fresh Python 3.11 virtual environment from binder/requirements.txt,
then binder/postBuild) in a temporary folder and runs the lessons under strict nbval in it.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
# What the lessons and their nbval check import or run; everything else is their dependencies.
ROOTS = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "jupyterlab-widgets", "widgetsnbextension",
         "ipykernel", "nbclient", "nbformat", "nbval", "pytest")
# pip's words when it cannot reach a package index (as opposed to a wrong pin or a build error).
NETWORK_ERRORS = ("NewConnectionError", "Max retries exceeded", "Temporary failure in name resolution",
                  "Network is unreachable", "ConnectTimeoutError", "ReadTimeoutError", "ProxyError",
                  "Connection refused", "Could not fetch URL")


def _pins() -> dict[str, str]:
    pins = {}
    for number, line in enumerate((BINDER / "requirements.txt").read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;=<>!~]+)", line)
        assert match, f"binder/requirements.txt line {number}: expected an exact pin name==version, got {line!r}"
        pins[canonicalize_name(match[1])] = match[2]
    return pins


def _closure_installed_here() -> dict[str, str]:
    """ROOTS and everything they need (extras followed), with the versions installed here."""
    found: dict[str, str] = {}
    todo = [(name, frozenset()) for name in ROOTS]
    visited = set()
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in visited:
            continue
        visited.add(key)
        dist = importlib.metadata.distribution(key[0])
        found[key[0]] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in extras | {""}):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return found


def _pin_lines(pins: dict[str, str]) -> str:
    return "\n".join(f"{name}=={version}" for name, version in sorted(pins.items()))


def test_binder_pins_are_exactly_the_tested_versions_and_their_dependencies():
    wanted, pinned = _closure_installed_here(), _pins()
    assert pinned == wanted, (
        "binder/requirements.txt differs from the versions installed here "
        f"(missing: {sorted(wanted.keys() - pinned.keys())}, extra: {sorted(pinned.keys() - wanted.keys())}, "
        f"changed: {sorted(k for k in wanted.keys() & pinned.keys() if wanted[k] != pinned[k])}); "
        "paste these lines below its header:\n" + _pin_lines(wanted)
    )


def test_every_pin_equals_the_version_pip_installed_here():
    for name, version in _pins().items():
        assert importlib.metadata.version(name) == version, f"{name}: pinned {version}, installed {importlib.metadata.version(name)}"


def test_the_pins_satisfy_margin_labs_own_dependency_ranges():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"pyproject dependency {text!r} is not pinned in binder/requirements.txt"
        assert Version(pins[name]) in requirement.specifier, f"pin {name}=={pins[name]} breaks pyproject's {text!r}"


def test_runtime_python_satisfies_requires_python():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"binder/runtime.txt must read python-X.Y, got {runtime!r}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    # Binder installs the newest patch release of X.Y: both X.Y.0 and a late patch must satisfy it.
    for patch in (0, 99):
        assert Version(f"{match[1]}.{match[2]}.{patch}") in SpecifierSet(requires), f"{runtime} vs {requires}"


def test_requirements_hold_no_local_package_so_the_dependency_layer_stays_cached():
    text = (BINDER / "requirements.txt").read_text()
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        assert not body.startswith(("-e", ".", "/", "file:", "git+")), (
            f"binder/requirements.txt must not install local code ({body!r}): "
            "repo2docker then reinstalls every package after any change; binder/postBuild installs margin-lab"
        )


def test_post_build_installs_margin_lab_without_touching_the_pins():
    script = BINDER / "postBuild"
    lines = script.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -e" in [line.strip() for line in lines]
    installs = [line for line in lines if "pip install" in line and not line.lstrip().startswith("#")]
    assert len(installs) == 1 and "--no-deps" in installs[0] and re.search(r"\s(-e\s+)?\.(\s|$)", installs[0])
    assert os.access(script, os.X_OK), "binder/postBuild must be executable (chmod +x; git keeps the bit)"


def _python_311() -> str | None:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    return shutil.which("python3.11")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "false", "0", "no"):
        pytest.fail(f"{reason} (CI is set: the Binder check must run in CI)")
    pytest.skip(reason)


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _copy_repository(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "site", "build", "*.egg-info", "__pycache__",
                                    ".hypothesis", ".ipynb_checkpoints", ".pytest_cache")
    return Path(shutil.copytree(ROOT, target, ignore=ignore))


@pytest.mark.slow
def test_a_fresh_binder_environment_runs_every_lesson_under_strict_nbval(tmp_path):
    notebooks = sorted((ROOT / "lessons").glob("*.ipynb"))
    assert notebooks, "no lesson notebooks in lessons/: nothing for Binder to run"
    python = _python_311()
    if python is None:
        _unavailable("Binder check skipped: no python3.11 on PATH to build the Binder environment with")
    repo = _copy_repository(tmp_path / "repo")
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               PIP_DISABLE_PIP_VERSION_CHECK="1")

    install = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-r", "binder/requirements.txt"],
                   cwd=repo, env=env, timeout=1800)
    if install.returncode != 0:
        output = install.stdout + install.stderr
        if any(signature in output for signature in NETWORK_ERRORS):
            _unavailable("Binder check skipped: pip cannot reach the package index:\n" + output[-1500:])
        pytest.fail("pip install -r binder/requirements.txt failed:\n" + output[-4000:])

    post_build = _run(["bash", "binder/postBuild"], cwd=repo, env=env, timeout=900)
    assert post_build.returncode == 0, "binder/postBuild failed:\n" + (post_build.stdout + post_build.stderr)[-4000:]

    # The installed package (not the checkout) reads the repository address from its metadata.
    links = _run([str(venv / "bin" / "margin-lab-links"), "--hub", "https://hub.example.edu", "--format", "text"],
                 cwd=tmp_path, env=env, timeout=120)
    assert links.returncode == 0, links.stderr
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    assert links.stdout.startswith(f"margin-lab links: {repository} ")

    command = [str(venv / "bin" / "python"), "-m", "pytest", "--nbval", "--nbval-current-env", "lessons/",
               "-p", "no:cacheprovider", "-q"]
    sanitize = repo / "lessons" / "nbval_sanitize.cfg"
    if sanitize.is_file():
        command += ["--nbval-sanitize-with", str(sanitize)]
    nbval = _run(command, cwd=repo, env=env, timeout=1800)
    print(nbval.stdout[-2000:])
    assert nbval.returncode == 0, "strict nbval failed in the Binder environment:\n" + (nbval.stdout + nbval.stderr)[-6000:]
    assert re.search(r"\d+ passed", nbval.stdout), nbval.stdout[-2000:]


@pytest.mark.slow
def test_repo2docker_accepts_the_binder_config(tmp_path):
    repo2docker = shutil.which("repo2docker") or shutil.which("jupyter-repo2docker")
    if repo2docker is None:
        pytest.skip("repo2docker is not installed (pip install jupyter-repo2docker) to dry-run the Binder config")
    repo = _copy_repository(tmp_path / "repo")
    result = subprocess.run([repo2docker, "--no-build", "--debug", "--no-run", str(repo)],
                            capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "requirements.txt" in output and "postBuild" in output, output[-4000:]
