"""Architecture: imports flow one way, `import margin_lab` stays light, no network anywhere."""

from __future__ import annotations

import ast
import io
import pathlib
import subprocess
import sys
import tokenize

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "margin_lab"
MAX_CODE_LINES = 320  # STYLE.md: "a module past ~300 lines of code (docstrings aside) holds two ideas"

# Lower layers first; a module may import only from modules of a lower or equal layer.
LAYERS = [
    {"_checks"},
    {"model"},
    {"text"},
    {"margin", "mark"},
    {"tiers"},
    {"venues"},
    {"ledger", "_engine", "_orders", "account", "from_exchange"},
    {"paths", "candles", "scenarios", "closed_form", "simulate", "replay", "portfolio", "worst_case"},
    {"studies"},
    {"plots"},
    {"widgets", "exercises"},
    {"links", "about", "__init__", "__main__", "data", "tools"},
]
RANK = {name: index for index, layer in enumerate(LAYERS) for name in layer}


def _top_module(path: pathlib.Path) -> str:
    relative = path.relative_to(PACKAGE)
    name = relative.parts[0].removesuffix(".py")
    return name


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
