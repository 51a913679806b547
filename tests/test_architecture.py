"""The package layout is the architecture: layers import downwards only, no cycles, small modules.

Layers (``docs/architecture.md``)::

    rulebase -> engine -> dossier -> report, storage -> screening -> ui, cli

A sub-package may import itself and the layers below it. The pure core (rulebase, engine) and
the dossier import no UI, PDF or database library. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "compliance_app"

ALLOWED: dict[str, set[str]] = {
    "rulebase": set(),
    "engine": {"rulebase"},
    "dossier": {"rulebase", "engine"},
    "report": {"rulebase", "engine", "dossier"},
    "storage": {"rulebase", "engine", "dossier"},
    "screening": {"rulebase", "engine", "dossier", "storage"},
    "ui": {"rulebase", "engine", "dossier", "report", "storage", "screening"},
    "cli": {"rulebase", "engine", "dossier", "report", "screening"},
}
"""Sub-package -> the sub-packages it may import (besides itself and ``compliance_app``)."""

HEAVY = {"streamlit", "reportlab", "sqlalchemy", "alembic", "psycopg"}
FORBIDDEN: dict[str, set[str]] = {
    "rulebase": HEAVY | {"pypdf"},
    "engine": HEAVY | {"pypdf"},
    "dossier": HEAVY,
    "report": HEAVY - {"reportlab"},
    "storage": {"streamlit", "reportlab"},
    "screening": {"streamlit", "reportlab"},
    "cli": {"streamlit"},
}
MAX_LINES = 400
CLI_MODULES = {"cli", "bom_cli"}
"""Top-level modules of the command line (the ``cli`` layer)."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return parts[1] if parts[1] in ALLOWED else ("cli" if parts[1] in CLI_MODULES else None)


def _imports(path: Path, module: str) -> set[str]:
    """Every module name this file imports (absolute; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            out.add(base)
            for a in node.names:
                if f"{base}.{a.name}" in MODULES:
                    out.add(f"{base}.{a.name}")
    return out


GRAPH = {m: {i for i in _imports(p, m) if i in MODULES and i != m} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers_import_downwards_only(module: str) -> None:
    layer = _layer(module)
    if layer is None:
        return
    for target in GRAPH[module]:
        other = _layer(target)
        if other is None or other == layer:
            continue
        assert other in ALLOWED[layer], f"{module} ({layer}) imports {target} ({other})"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_core_imports_no_ui_pdf_or_database_library(module: str) -> None:
    layer = _layer(module)
    banned = FORBIDDEN.get(layer or "", set())
    used = {name.split(".")[0] for name in _imports(MODULES[module], module)}
    assert not used & banned, f"{module} imports {sorted(used & banned)}"


def test_no_import_cycles() -> None:
    """Module-level and function-level imports together form no cycle (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    # A package __init__ that re-exports from its own submodule is not a cycle of design.
    real = [c for c in cycles if not all(m.startswith(c[0].rsplit(".", 1)[0]) for m in c)]
    assert not real, real


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines (at most {MAX_LINES})"


def test_every_subpackage_says_what_it_may_import() -> None:
    for layer in ALLOWED:
        if layer == "cli":
            continue
        doc = ast.get_docstring(ast.parse((PKG / layer / "__init__.py").read_text("utf-8")))
        assert doc and "May import" in doc and "ust not" in doc or layer == "ui", layer
        assert doc, layer


def test_the_layer_table_matches_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in ALLOWED:
        if layer != "cli":
            assert f"compliance_app/{layer}/" in doc, layer
