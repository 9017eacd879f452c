"""The project's packages import one way: each only from the layers below it.

The order is declared here, top to bottom, and read from every import in the
project's code: at module level, inside functions and under TYPE_CHECKING alike
(a type-only import still ties a package to another's names). A package may
import from its own layer's packages only where the layer says so (`peers`);
whatever it imports must stand lower. A cycle between packages fails even when
each arrow alone looks allowed, and so does a cycle between modules when it is
made of imports that run (not type-only ones: GraphQL types name each other;
nor a module's import of its own package's face, which re-exports it; nor the
GraphQL types that name each other, `MUTUAL_TYPES`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Layer:
    packages: tuple[str, ...]
    peers: bool = False  # whether its packages may import each other (never in a circle)


# Top to bottom. Read as: "cli runs the app and the seed; gql wires the app; the
# pipeline runs a request's steps; the planner and the resolvers execute it; ...".
LAYERS: tuple[Layer, ...] = (
    Layer(("cli",)),
    Layer(("seed", "migrations")),  # the demo data; the schema's history
    Layer(("gql",)),  # the schema, the HTTP adapters, the app: wires everything below
    Layer(("live",)),  # live queries: subscriptions' groups, transports, change fan-out
    Layer(("pipeline",)),  # one request's steps, in order
    Layer(("planner", "resolvers")),  # the two ways an operation's fields are answered
    Layer(("context",)),  # one request's viewer and loaders
    Layer(("ingest",)),  # bulk imports: jobs, formats, set-wise loads
    Layer(("cache", "persisted", "limits")),  # services the steps and resolvers call
    Layer(("prepared",)),  # parsed and validated documents
    Layer(("loaders", "writes")),  # reads and writes of the data
    Layer(("replicas",)),  # which PostgreSQL server a read goes to
    Layer(("selections", "web")),  # a document's selections; HTTP helpers
    Layer(("models", "pagination", "global_ids")),
    Layer(("observability",)),  # used by everything above; uses only the leaves
    Layer(("db", "errors", "auth", "config", "bounded", "compat"), peers=True),  # leaves
)


def _packages() -> dict[str, int]:
    return {name: depth for depth, layer in enumerate(LAYERS) for name in layer.packages}


def _project_packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    line: int
    runs: bool  # False under `if TYPE_CHECKING:`


def _imports(path: Path, module: str, project: set[str]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(), str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            targets = [base]
        for target in targets:
            if target.split(".")[0] in project:
                yield Import(module, target, node.lineno, id(node) not in type_only)


def _all_imports() -> list[Import]:
    project = _project_packages()
    found: list[Import] = []
    for package in sorted(project):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found += _imports(path, ".".join(parts), project)
    return found


def test_every_package_has_a_layer() -> None:
    assert _project_packages() - set(_packages()) == set(), "add it to LAYERS"


def test_imports_point_down() -> None:
    depth = _packages()
    peers = {name for layer in LAYERS if layer.peers for name in layer.packages}
    wrong = []
    for found in _all_imports():
        source, target = found.module.split(".")[0], found.target.split(".")[0]
        if source == target or source not in depth or target not in depth:
            continue
        if depth[target] > depth[source] or (depth[target] == depth[source] and source in peers):
            continue
        wrong.append(f"{found.module}:{found.line} imports {found.target}")
    assert wrong == []


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as its nodes in order, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_no_package_cycle() -> None:
    edges: dict[str, set[str]] = {}
    for found in _all_imports():
        source, target = found.module.split(".")[0], found.target.split(".")[0]
        if source != target:
            edges.setdefault(source, set()).add(target)
    assert _cycle(edges) is None


# GraphQL object types that name each other both ways, as the domain does (a trip
# has a driver, a driver has trips): the way back is imported inside the resolver
# that builds it. A cycle through these modules only is the schema's, not a layering
# mistake; any other module in it still fails.
MUTUAL_TYPES = frozenset(
    {"gql.types.driver", "gql.types.trip", "gql.types.vehicle", "gql.types.safety_event"}
)


def test_no_module_cycle_of_imports_that_run() -> None:
    modules = {found.module for found in _all_imports()}
    edges: dict[str, set[str]] = {}
    for found in _all_imports():
        if found.module in MUTUAL_TYPES and found.target in MUTUAL_TYPES:
            continue
        target = found.target
        while target not in modules and "." in target:  # `from pkg.mod import name`
            target = target.rsplit(".", 1)[0]
        # A module may take a name from its own package's face (`from models import
        # Base` in models.driver): the face imports it back, by design.
        inside = found.module.startswith(f"{target}.")
        if found.runs and target != found.module and target in modules and not inside:
            edges.setdefault(found.module, set()).add(target)
    assert _cycle(edges) is None


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert _cycle(edges) == cycle
