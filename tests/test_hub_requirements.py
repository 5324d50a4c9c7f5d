"""requirements-hub.txt installs the course next to a hub's Jupyter stack, never over it.

No line may name the hub's own packages or a test tool, and nothing a line installs may pull one
of them in: the dependency closure is walked in the metadata of the packages installed here.
Every runtime dependency of margin-lab except JupyterLab itself is covered, and the versions the
course is tested with satisfy every line.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
HUB_STACK = {"jupyterhub", "jupyter-server", "jupyterlab", "notebook", "tornado", "jupyterlab-server"}
TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright", "nbclient", "nbconvert", "coverage"}


def _requirements() -> list[Requirement]:
    lines = (ROOT / "requirements-hub.txt").read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in (raw.split("#", 1)[0].strip() for raw in lines) if line]


def _closure(names: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for text in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_no_line_names_the_hub_s_stack_or_a_test_tool():
    names = {canonicalize_name(r.name) for r in _requirements()}
    assert names and not names & HUB_STACK and not names & TEST_TOOLS, names


def test_nothing_listed_pulls_in_the_hub_s_stack_or_a_test_tool():
    pulled = _closure([r.name for r in _requirements()])
    assert not pulled & HUB_STACK, sorted(pulled & HUB_STACK)
    assert not pulled & TEST_TOOLS, sorted(pulled & TEST_TOOLS)


def test_every_runtime_dependency_but_jupyterlab_is_covered_and_the_tested_versions_satisfy_each_line():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    listed = {canonicalize_name(r.name): r for r in _requirements()}
    assert runtime - {"jupyterlab"} <= listed.keys(), sorted(runtime - listed.keys())
    assert "jupyterlab-widgets" in listed, "the JupyterLab side of ipywidgets 8 must be installed on the server"
    for name, requirement in listed.items():
        installed = importlib.metadata.version(name)
        assert requirement.specifier.contains(installed, prereleases=True), f"{name} {installed} vs {requirement}"


def test_the_hub_guide_installs_margin_lab_without_its_dependencies_under_the_hub_s_constraints():
    guide = (ROOT / "docs" / "hub_guide.md").read_text(encoding="utf-8")
    assert "requirements-hub.txt" in guide and "Python ≥ 3.11" in guide
    install = [line for line in guide.splitlines() if line.startswith("pip install")]
    assert install and all("-c hub-constraints.txt" in line for line in install)
    assert any("--no-deps" in line and "margin-lab @ git+" in line for line in install)
    assert re.search(r"--student.*default", guide) and "--solutions" in guide and "NBGITPULLER_PARENTPATH" in guide
    assert "--parent-path" in guide and "restart" in guide.lower()
