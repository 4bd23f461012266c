"""The package's modules import one another in layers, with no cycle (issue 14): a
module that needs another at run time imports it at the top, not inside a function
to dodge a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import newsgraph

PACKAGE = Path(newsgraph.__file__).parent


def _imports() -> dict[str, set[str]]:
    """Per module of the package, the package modules it imports anywhere in it
    (at the top or inside functions); the package itself and ``__main__`` import
    everything and are left out."""
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {"_core"}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("__init__", "__main__"):
            continue
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(a.name for a in node.names if a.name in modules)
        graph[path.stem] = found & modules
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = _imports()
    assert {"corpus", "io", "tables", "stream"} <= graph.keys()
    assert "io" not in graph["corpus"] and "corpus" in graph["io"]

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return [*path, start]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m))]
    assert not cycles, f"import cycles: {[' -> '.join(c) for c in cycles]}"


def test_the_table_methods_are_written_once():
    """Corpus and Scan inherit the public tables from one base, not copies of them."""
    from newsgraph.stream import Scan
    from newsgraph.tables import Tables

    shared = [n for n, v in vars(Tables).items() if not n.startswith("_") and callable(v)]
    assert {"entities", "entity_counts", "keyness", "cooccurrence", "resolve"} <= set(shared)
    for cls in (newsgraph.Corpus, Scan):
        assert issubclass(cls, Tables)
        assert not [n for n in shared if n in vars(cls)], cls
