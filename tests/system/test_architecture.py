"""The shape of the code (STYLE rules 11 and 12): no import cycles, short views, short modules.

Read from the source with ``ast``, so lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "accountlink"

# Data, not logic: help content and migrations may be long.
LONG_MODULES_ALLOWED = ("helpcontent/content/", "migrations/")
MAX_MODULE_LINES = 300
MAX_VIEW_LINES = 40


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_modules(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The modules of the project that ``name`` imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            # "from package import module" imports the module; "from module import name" the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imported_modules(name, path, known)) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_lazy_and_relative_imports() -> None:
    graph = import_graph()
    assert "accountlink.kit.audit.models" in graph["accountlink.kit.audit.record"]
    assert graph["accountlink.cli"], "cli imports project modules"


def test_no_module_imports_itself_back() -> None:
    assert cycles(import_graph()) == []


# What each top-level package may import besides itself (docs/architecture.md draws it). The platforms
# never import each other; the kit and the help content know neither; the web apps never import the
# development tools (the walker, the tour, the process helpers) or the command line.
MAY_IMPORT = {
    "kit": set(),
    "helpcontent": {"kit"},
    "helpcenter": {"kit", "helpcontent"},
    "consumer": {"kit", "helpcontent", "demo"},
    "business": {"kit", "helpcontent", "helpcenter", "demo"},
    "settings": {"kit"},
    "demo": set(),
    "supervisor": set(),
    "gunicorn_conf": {"supervisor"},
    "devtools": {"kit", "consumer", "business", "supervisor", "demo"},
    "status": {"devtools", "kit"},
    "cli": {"devtools", "kit", "helpcontent", "status", "supervisor", "demo"},
}


def package_of(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def test_packages_import_only_what_their_layer_allows() -> None:
    graph = import_graph()
    assert {package_of(module) for module in graph} - {"__init__"} <= set(MAY_IMPORT), "a new package needs a rule"
    crossing = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if package_of(target) != package_of(module)
        and package_of(module) in MAY_IMPORT
        and package_of(target) not in MAY_IMPORT[package_of(module)]
    )
    assert crossing == []


def test_no_module_is_over_300_lines_except_data() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if any(part in relative for part in LONG_MODULES_ALLOWED):
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            long.append(f"{relative}: {lines} lines")
    assert sorted(long) == []


def views(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions that take a request: function views and the handlers of class-based views."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = [argument.arg for argument in node.args.args]
            if arguments[:1] == ["request"] or arguments[:2] == ["self", "request"]:
                yield node


def test_no_view_is_over_40_lines() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        for view in views(ast.parse(path.read_text())):
            lines = (view.end_lineno or view.lineno) - view.lineno + 1
            if lines > MAX_VIEW_LINES:
                long.append(f"{path.relative_to(PACKAGE).as_posix()} {view.name}: {lines} lines")
    assert sorted(long) == []


TESTS = SRC.parent / "tests"


def test_tests_share_fixtures_through_conftest_files_only() -> None:
    """STYLE rule 14: no star imports in tests, and nothing imported from a test module."""
    offending = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            if any(alias.name == "*" for alias in node.names):
                offending.append(f"{path.relative_to(TESTS)}: from {module} import *")
            elif module.rpartition(".")[2].startswith("test_"):
                offending.append(f"{path.relative_to(TESTS)}: from {module} import …")
    assert sorted(offending) == []


def test_the_files_docs_architecture_names_exist() -> None:
    """The flows in docs/architecture.md name files in order; a move must take the doc along."""
    text = (SRC.parent / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:kit|consumer|business|helpcontent|helpcenter|devtools|cli)/[\w/]+\.py)`", text))
    assert len(named) > 20
    assert sorted(path for path in named if not (PACKAGE / path).exists()) == []
