"""The shape of the house, checked from the source (ARCHITECTURE.md).

The import graph of every module under pyrec/ and gui/pyrec_gui/ is read with
`ast`, without importing anything: imports at module level, inside functions
and under `if TYPE_CHECKING:` all count (a type-only import that closes a
circle is still a knot). Two checks on it:

- no import circle, except the named, known ones in KNOWN_CYCLES;
- the layering of ARCHITECTURE.md: which part may import which.

Run it as a script to see the graph's size and any circle:
    python tests/test_architecture.py
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"pyrec": ROOT / "pyrec", "pyrec_gui": ROOT / "gui" / "pyrec_gui"}

# Circles known and owned elsewhere: name -> the modules of the circle (its
# strongly connected component). A component must match an entry exactly, so
# an entry neither hides a new module joining the knot nor outlives the knot
# (test_known_cycles_are_still_there fails then: delete the entry).
KNOWN_CYCLES: dict[str, frozenset[str]] = {}


def module_name(package: str, root: Path, path: Path) -> str:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Dotted module name -> source file."""
    found = {}
    for package, root in SOURCES.items():
        for path in sorted(root.rglob("*.py")):
            found[module_name(package, root, path)] = path
    return found


def _resolve(name: str) -> str | None:
    """The longest known module that `name` (a dotted import target) is in."""
    known = modules()
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import statement anywhere in the file."""
    path = modules()[module]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package upwards
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{target}.{alias.name}"
                yield (sub if sub in modules() else target), node.lineno


@cache
def graph() -> dict[str, dict[str, int]]:
    """module -> {imported project module: first line}. Only edges inside the
    project; importing a submodule is an edge to it alone (its package's
    __init__ is not counted as imported)."""
    out: dict[str, dict[str, int]] = {}
    for module in modules():
        edges: dict[str, int] = {}
        for target, line in imports_of(module):
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                edges.setdefault(resolved, line)
        out[module] = edges
    return out


def components() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(found)


def a_cycle(component: list[str]) -> list[str]:
    """One concrete circle through the component's first module (BFS back to it)."""
    g, members = graph(), set(component)
    start = component[0]
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(g[v]):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [*reversed(path), start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return component


def describe(cycle: list[str]) -> str:
    g = graph()
    return "\n    ".join(f"{a} -> {b}  ({modules()[a].relative_to(ROOT)}:{g[a][b]})" for a, b in zip(cycle, cycle[1:]))


def test_the_graph_sees_the_tree() -> None:
    g = graph()
    assert len(g) > 100
    # a function-level import and a TYPE_CHECKING-only import are both edges
    assert "pyrec.scan.scanner" in g["pyrec.service.scanning"]  # inside Scanning.scan
    assert "pyrec.recommend.engine" in g["pyrec.service"]  # under TYPE_CHECKING
    assert "pyrec.library" in g["pyrec.recommend.library_source"]


def test_no_import_cycle() -> None:
    known = set(KNOWN_CYCLES.values())
    unknown = [c for c in components() if frozenset(c) not in known]
    message = "\n".join(f"import circle:\n    {describe(a_cycle(c))}" for c in unknown)
    assert not unknown, message


def test_known_cycles_are_still_there() -> None:
    now = {frozenset(c) for c in components()}
    gone = [name for name, members in KNOWN_CYCLES.items() if members not in now]
    assert not gone, f"these circles are broken or changed shape: update KNOWN_CYCLES {gone}"


# -- layering ---------------------------------------------------------------------
# part -> prefixes of project modules it must not import (ARCHITECTURE.md table)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "pyrec.core": ("pyrec.library", "pyrec.scan", "pyrec.features", "pyrec.recommend", "pyrec.service",
                   "pyrec.cli", "pyrec_gui"),
    "pyrec.library": ("pyrec.recommend", "pyrec.service", "pyrec.scan", "pyrec.features", "pyrec.core",
                      "pyrec.cli", "pyrec_gui"),
    "pyrec.features": ("pyrec.library", "pyrec.scan", "pyrec.recommend", "pyrec.service", "pyrec.cli", "pyrec_gui"),
    "pyrec.models": ("pyrec.library", "pyrec.scan", "pyrec.recommend", "pyrec.service", "pyrec.cli", "pyrec_gui"),
    "pyrec.scan": ("pyrec.recommend", "pyrec.service", "pyrec.cli", "pyrec_gui"),
    "pyrec.recommend": ("pyrec.scan", "pyrec.service", "pyrec.cli", "pyrec_gui"),
    # history reads other programs' files and returns plain records; the service stores them
    "pyrec.history": ("pyrec.library", "pyrec.recommend", "pyrec.service", "pyrec.cli", "pyrec_gui", "pyrec.core"),
    "pyrec.records": ("pyrec.",),  # the plain records at the bottom import no part
    "pyrec.service": ("pyrec.cli", "pyrec_gui"),
    "pyrec.cli": ("pyrec.library", "pyrec.core", "pyrec._core", "pyrec_gui"),
    "pyrec_gui": ("pyrec.library", "pyrec._core", "pyrec.core"),
}
# Edges the table above would refuse, each with its reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("pyrec.cli", "pyrec_gui.app"): "`pyrec gui` starts the desktop app (an entry point, not a use of its parts)",
}


def _within(module: str, prefix: str) -> bool:
    return module == prefix.rstrip(".") or module.startswith(prefix if prefix.endswith(".") else prefix + ".")


def test_layering() -> None:
    broken = []
    for module, edges in graph().items():
        for part, banned in FORBIDDEN.items():
            if not _within(module, part):
                continue
            for target, line in edges.items():
                if any(_within(target, b) for b in banned) and (module, target) not in ALLOWED:
                    broken.append(f"{modules()[module].relative_to(ROOT)}:{line}: {part} imports {target}")
    assert not broken, "\n".join(broken)


def test_the_gui_never_imports_the_core_extension_by_name() -> None:
    """pyrec._core is a compiled module (no .py): it is not in the graph, so look for its name."""
    hits = []
    for module, path in modules().items():
        if module.startswith("pyrec_gui"):
            for target, line in imports_of(module):
                if target == "pyrec._core" or target.startswith("pyrec._core."):
                    hits.append(f"{path.relative_to(ROOT)}:{line}")
    assert not hits, hits


if __name__ == "__main__":
    g = graph()
    comps = components()
    print(f"{len(g)} modules, {sum(len(e) for e in g.values())} import edges, {len(comps)} circle(s)")
    for c in comps:
        names = [n for n, m in KNOWN_CYCLES.items() if m == frozenset(c)]
        print(f"circle ({'known: ' + names[0] if names else 'NEW'}), {len(c)} modules:\n    {describe(a_cycle(c))}")
    sys.exit(1 if any(frozenset(c) not in set(KNOWN_CYCLES.values()) for c in comps) else 0)
