"""Architecture: imports flow one way, `import margin_lab` stays light, no network anywhere."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "margin_lab"

# Lower layers first; a module may import only from modules of a lower or equal layer.
LAYERS = [
    {"_checks"},
    {"model"},
    {"margin"},
    {"tiers"},
    {"venues"},
    {"ledger", "_engine", "_orders", "account", "from_exchange"},
    {"paths", "candles", "scenarios", "closed_form", "simulate", "replay", "portfolio"},
    {"plots"},
    {"widgets", "exercises"},
    {"links", "about", "__init__", "__main__", "data", "tools"},
]
RANK = {name: index for index, layer in enumerate(LAYERS) for name in layer}


def _top_module(path: pathlib.Path) -> str:
    relative = path.relative_to(PACKAGE)
    name = relative.parts[0].removesuffix(".py")
    return "exercises" if name.startswith("exercises_") else name  # topic checks share a layer


def _imported_siblings(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    depth_to_package = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("margin_lab."):
                names.add(node.module.split(".")[1])
            elif node.level > depth_to_package + 1:
                continue
            elif node.level == depth_to_package + 1 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level == depth_to_package + 1 and not node.module:
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("margin_lab."):
                    names.add(alias.name.split(".")[1])
    return names


def test_every_module_has_a_layer():
    unknown = {_top_module(p) for p in PACKAGE.rglob("*.py")} - set(RANK)
    assert not unknown, f"add these modules to LAYERS in tests/test_architecture.py: {sorted(unknown)}"


def test_imports_flow_one_way():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = _top_module(path)
        if own == "__init__":
            continue
        for name in _imported_siblings(path):
            if name in RANK and RANK[name] > RANK[own]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, "imports must flow down the layers: " + "; ".join(sorted(wrong))


def test_importing_margin_lab_loads_neither_matplotlib_nor_ipywidgets():
    code = (
        "import sys, margin_lab; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython', 'pandas', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_no_module_reaches_for_the_network():
    forbidden = ("urllib.request", "http.client", "requests", "socket", "urlopen")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                names = [alias.name for alias in node.names]
                if any(module.startswith(f) or any(n.startswith(f) or n == f for n in names) for f in forbidden):
                    offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders, f"network imports in {offenders}"


def test_no_module_is_past_about_four_hundred_lines_of_code():
    long = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 600:
            long.append(f"{path.relative_to(PACKAGE)}: {len(lines)} lines")
    assert not long, f"split these modules (one idea each): {long}"


def test_every_lesson_facing_name_resolves_through_margin_lab_and_means_one_thing():
    import importlib

    import margin_lab

    owners: dict[str, object] = {}
    for module_name in margin_lab._lesson_facing_modules():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            assert owners.setdefault(name, value) is value, f"{name} means two things in the lesson-facing modules"
            assert getattr(margin_lab, name) is value


# --- No private matplotlib or ipywidgets name (issue 13, part 5) --------------------------------
#: Private names of margin_lab's own objects that one of its modules may reach on another's
#: object (keep this short): the account's check after every event, called by replay.
OWN_PRIVATE_NAMES = frozenset({"_watch"})
#: The foreign libraries whose private API margin_lab must not use.
FOREIGN = ("matplotlib", "mpl_toolkits", "ipywidgets", "traitlets")


def _private(name: str) -> bool:
    """``_name`` but not ``__dunder__`` nor an IPython display hook (``_repr_png_``: public protocol)."""
    return name.startswith("_") and not name.startswith("__") and not (
        name.startswith("_repr_") and name.endswith("_"))


def _private_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every private name ``source`` reaches on a foreign or unknown object.

    Flags ``obj._name`` on anything but ``self``/``cls``, ``getattr``/``setattr``/``hasattr``/
    ``delattr`` with a ``"_name"`` string, ``self._name`` inside a class that subclasses a
    matplotlib or ipywidgets class, and imports of private matplotlib/ipywidgets modules or names;
    names in :data:`OWN_PRIVATE_NAMES` are margin_lab's own and allowed.
    """
    tree = ast.parse(source)
    foreign_names: set[str] = set()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FOREIGN:
            if any(_private(part) for part in (node.module or "").split(".")):
                found.append((node.lineno, f"import {node.module}"))
            found += [(node.lineno, f"import {node.module}.{a.name}") for a in node.names if _private(a.name)]
            foreign_names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FOREIGN:
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, f"import {alias.name}"))
                    foreign_names.add((alias.asname or alias.name).split(".")[0])
    inherited: set[int] = set()  # ids of self-attribute nodes inside classes that subclass a foreign class
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            roots = []
            for base in node.bases:
                while isinstance(base, ast.Attribute):
                    base = base.value
                roots.append(getattr(base, "id", None))
            if any(root in foreign_names for root in roots):
                inherited.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Attribute))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in OWN_PRIVATE_NAMES:
            on_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not on_self or id(node) in inherited:
                found.append((node.lineno, f".{node.attr}"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) > 1
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and _private(node.args[1].value) and node.args[1].value not in OWN_PRIVATE_NAMES):
            found.append((node.lineno, f"{node.func.id}(..., {node.args[1].value!r})"))
    return found


def test_the_private_name_scan_catches_what_it_is_for():
    renderer_hack = (
        "from matplotlib.backends._backend_agg import RendererAgg\n"
        "from matplotlib.figure import Figure\n"
        "def frame(ax, canvas, widget):\n"
        "    parts = [ax.patch, *ax._axis_map.values(), ax.get_title()]\n"
        "    canvas._lastKey = None\n"
        "    return getattr(widget, '_options_values', None), self._own, other._watch\n"
        "class Stand(Figure):\n"
        "    def draw(self, renderer):\n"
        "        return self._get_renderer()\n"
    )
    assert sorted(_private_uses(renderer_hack)) == [
        (1, "import matplotlib.backends._backend_agg"), (4, "._axis_map"), (5, "._lastKey"),
        (6, "getattr(..., '_options_values')"), (9, "._get_renderer")]
    assert _private_uses("x = ax.get_legend()._repr_png_\nfig.__class__\nself._kept = 1\n") == []


def test_no_private_matplotlib_name():
    offenders = [f"{path.relative_to(PACKAGE)}:{line}: {what}"
                 for path in sorted(PACKAGE.rglob("*.py"))
                 for line, what in _private_uses(path.read_text(encoding="utf-8"))]
    assert not offenders, "margin_lab reaches private names (use the public API): " + "; ".join(offenders)
