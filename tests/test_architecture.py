"""Architecture: imports flow one way, `import margin_lab` stays light, no network anywhere."""

from __future__ import annotations

import ast
import io
import pathlib
import subprocess
import sys
import tokenize

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "margin_lab"
MAX_CODE_LINES = 300  # STYLE.md: "a module past ~300 lines of code (docstrings aside) holds two ideas"

# STYLE.md's import order, lower layers first: a module imports only from its own layer or a
# lower one; a package (PACKAGES) only from a strictly lower layer, never from a sibling package.
LAYERS = [
    {"_checks"},
    {"model"},
    {"text"},
    {"margin", "mark"},
    {"tiers", "inverse"},
    {"markets"},
    {"presets"},
    {"venues"},
    {"ledger", "_engine", "_opening", "_orders", "account", "from_exchange", "ccxt_records", "_inverse_orders", "inverse_account"},
    {"paths", "candles", "scenarios", "closed_form", "simulate", "simulate_book", "portfolio", "replay", "inverse_replay",
     "worst_case"},
    {"studies"},
    {"plots", "exercises"},
    {"widgets"},
    {"links", "about", "__init__", "__main__", "data", "tools"},
]
RANK = {name: index for index, layer in enumerate(LAYERS) for name in layer}
PACKAGES = {"studies", "plots", "exercises", "widgets"}
# plots/ draws a finished result: no account, replay, simulation, price paths or formulas.
PLOTS_MAY_IMPORT = {"_checks", "model", "text", "studies"}

# Private names that may cross a module boundary. STYLE.md: "the public function validates,
# then calls a private kernel that simulation reuses", so ``_<formula>_kernel`` may. The rest are
# the core's own internals, listed one by one so that the list can only shrink.
SHARED_INTERNALS = {
    "_positive_or_none",  # margin -> tiers, _orders: the None-for-no-price rule of every price
    "_solve_tiered",  # tiers -> _orders: the account's tiered liquidation price
    "_solve_inverse_tiered",  # inverse -> _inverse_orders: the coin account's tiered liquidation price
    "_PERCENT_HINT",  # _checks -> _inverse_orders: the one "percent typed as a fraction?" wording
    "_block_log_increments",  # paths -> simulate_book: the same shocks, drawn in blocks
    "_asset_names", "_each_asset",  # paths -> scenarios
    "_correlated_log_increments", "_correlation_factor", "_gbm_log_increments",  # paths -> simulate
    "_first_passage", "_log_barrier", "_single_position", "_step_count",  # closed_form -> simulate
}


def _top_module(path: pathlib.Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: pathlib.Path):
    """(top-level margin_lab module, imported names or None for a module import, node) per import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for margin_lab/x.py, 1 for margin_lab/plots/x.py
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if node.level == 0:
                if node.module and node.module.startswith("margin_lab."):
                    parts = node.module.split(".")[1:]
                    yield parts[0], names, node
                continue
            if node.level <= depth:  # within the module's own package
                if node.module is None:
                    continue
                yield _top_module(path), names, node
                continue
            if node.level == depth + 1:
                if node.module:
                    yield node.module.split(".")[0], names, node
                else:
                    for name in names:
                        yield name, None, node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("margin_lab."):
                    yield alias.name.split(".")[1], None, node


def _imported_siblings(path: pathlib.Path) -> set[str]:
    return {module for module, _, _ in _imports(path)}


def test_every_module_has_a_layer():
    unknown = {_top_module(p) for p in PACKAGE.rglob("*.py")} - set(RANK)
    assert not unknown, f"add these modules to LAYERS in tests/test_architecture.py: {sorted(unknown)}"


def test_imports_flow_one_way():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = _top_module(path)
        if own == "__init__":
            continue
        for name in _imported_siblings(path) - {own}:
            if name not in RANK:
                continue
            if RANK[name] > RANK[own] or (own in PACKAGES and RANK[name] == RANK[own]):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, "imports must flow down the layers: " + "; ".join(sorted(wrong))


def test_plots_draw_and_import_no_finance():
    wrong = []
    for path in (PACKAGE / "plots").rglob("*.py"):
        extra = _imported_siblings(path) - PLOTS_MAY_IMPORT - {"plots"}
        if extra:
            wrong.append(f"{path.relative_to(PACKAGE)} imports {sorted(extra)}")
    assert not wrong, "plots/ draws a result and imports no compute: " + "; ".join(sorted(wrong))


def test_no_private_name_crosses_a_module_boundary():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        for _, names, node in _imports(path):
            for name in names or ():
                if name.startswith("_") and not name.endswith("_kernel") and name not in SHARED_INTERNALS:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {name}")
    assert not wrong, "a private name is private to its module (make it public, or move it): " + "; ".join(wrong)


def test_the_layer_rules_can_fail():
    assert RANK["plots"] > RANK["studies"] > RANK["replay"] > RANK["margin"] > RANK["_checks"]
    assert RANK["widgets"] > RANK["exercises"] == RANK["plots"] and {"plots", "exercises"} <= PACKAGES
    assert "account" not in PLOTS_MAY_IMPORT and "margin" not in PLOTS_MAY_IMPORT


def test_every_module_and_package_sits_in_a_layer_by_its_own_name():
    names = {_top_module(p) for p in PACKAGE.rglob("*.py")}
    assert PACKAGES <= names
    assert not any(name.startswith("exercises_") for name in names), "exercise checks live in margin_lab/exercises/"


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


def _code_lines(text: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    tree = ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in skipped:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def test_code_lines_count_code_only():
    text = '"""Doc\n\nstring."""\n\n# a comment\nx = (1,\n     2)\n\n\ndef f():\n    """Doc."""\n    return x\n'
    assert _code_lines(text) == 4


def test_no_module_is_past_about_three_hundred_lines_of_code():
    long = []
    for path in PACKAGE.rglob("*.py"):
        count = _code_lines(path.read_text(encoding="utf-8"))
        if count > MAX_CODE_LINES:
            long.append(f"{path.relative_to(PACKAGE)}: {count} lines of code")
    assert not long, f"split these modules (one idea each), at most {MAX_CODE_LINES} lines of code: {long}"


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
