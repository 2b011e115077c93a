"""The house's shape: no import cycle inside roleui/, and no module reaching for another module's private name.

import-linter's contracts (pyproject.toml) hold the layers; these two rules hold inside every layer. Both read the
same graph import-linter reads (grimp: every `import`, at module level or in a function, TYPE_CHECKING included),
so a cycle hidden behind a lazy import is a cycle too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import roleui

ROOT = Path(roleui.__file__).parent


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("roleui"):
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module.startswith("roleui") and module not in index:
            visit(module)
    return found


def test_no_module_of_roleui_imports_a_module_that_imports_it_back() -> None:
    graph = grimp.build_graph("roleui")
    assert len(graph.modules) > 100
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_when_there_is_one() -> None:
    graph = grimp.ImportGraph()
    for name in ("roleui.a", "roleui.b", "roleui.c"):
        graph.add_module(name)
    graph.add_import(importer="roleui.a", imported="roleui.b")
    graph.add_import(importer="roleui.b", imported="roleui.a")
    graph.add_import(importer="roleui.b", imported="roleui.c")
    assert _cycles(graph) == [["roleui.a", "roleui.b"]]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))  # __version__ is public


def _private_imports(source: str) -> list[str]:
    """`from roleui.x import _name` in `source`: another module's private name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("roleui"):
            found += [f"{node.module}.{a.name}" for a in node.names if _private(a.name)]
    return found


def test_no_module_imports_a_name_starting_with_an_underscore_from_another_module() -> None:
    offenders = {
        str(path.relative_to(ROOT.parent)): names
        for path in sorted(ROOT.rglob("*.py"))
        if (names := _private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_a_private_import_is_recognised_as_one() -> None:
    assert _private_imports("from roleui.ui.app import _one_line, visible\n") == ["roleui.ui.app._one_line"]
    assert (
        _private_imports("from roleui import __version__\nfrom roleui.ui.safe import one_line\nimport _signal\n") == []
    )
