"""The shared layers are explicit (STYLE rule 12, issue 15): what each package of src/ may import.

The kit knows neither platform nor the help content; the help content knows only the kit; the web
apps never import the development tools or the command; the platforms never import each other.
Read from the source with ``ast``, so imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "accountlink"

# The packages the web processes load (the rest, devtools and cli, run beside them), each with the
# packages of accountlink it may import besides itself.
MAY_IMPORT = {
    "kit": set(),
    "helpcontent": {"kit"},
    "helpcenter": {"kit", "helpcontent"},
    "consumer": {"kit", "helpcontent", "demo"},
    "business": {"kit", "helpcontent", "helpcenter", "demo"},
    "settings": {"kit"},
}


def imported_packages(path: Path) -> set[str]:
    """The packages of accountlink that the module at ``path`` imports, anywhere in its body."""
    found = set()
    depth = len(path.relative_to(PACKAGE).parts)  # how far a relative import may climb to reach accountlink
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.ImportFrom) and node.level >= depth:  # climbs out of its package
            names = [f"accountlink.{node.module}" if node.module else "accountlink"]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "accountlink" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_each_package_imports_only_the_layers_below_it() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        package = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if package not in MAY_IMPORT:
            continue
        for imported in sorted(imported_packages(path) - {package} - MAY_IMPORT[package]):
            wrong.append(f"{path.relative_to(PACKAGE)} imports accountlink.{imported}")
    assert wrong == []


def test_imports_inside_functions_count() -> None:
    # `accountlink help-screenshots` imports the walker and the help articles only when it runs.
    assert imported_packages(PACKAGE / "cli" / "help_screenshots.py") >= {"devtools", "helpcontent"}
