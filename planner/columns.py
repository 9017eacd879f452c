"""Which columns a connection's rows need: the fields selected on its nodes.

Decoding is most of what a row costs (a timestamp more than the rest of the
row): a page statement reads only the columns its nodes' selected fields
declare (`Attribute` names one, `Computed`/`Batched` declare `columns`), the
ordering's columns when a cursor is selected, and what the caller always
needs. One field without a declaration, and every column is read.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.fields import Attribute, FieldPlans
from planner.plan import Selection

_UNKNOWN = object()
_CURSORS = (("edges", "cursor"), ("pageInfo", "startCursor"), ("pageInfo", "endCursor"))


def connection_columns(
    selection: Selection,
    node_plans: FieldPlans,
    ordering_columns: Iterable[str],
    required: Iterable[str] = ("id",),
) -> tuple[str, ...] | None:
    """The columns of the rows under `selection` (a connection field); None: all."""
    key = ("connection_columns", id(node_plans), tuple(ordering_columns), tuple(required))
    found = selection.derived.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = selection.derived[key] = _connection_columns(
            selection, node_plans, ordering_columns, required
        )
    return found  # type: ignore[no-any-return]


def _connection_columns(
    selection: Selection,
    node_plans: FieldPlans,
    ordering_columns: Iterable[str],
    required: Iterable[str],
) -> tuple[str, ...] | None:
    needed = set(required)
    if selection.has(*_CURSORS):
        needed.update(ordering_columns)
    nodes = (selection.children.get("nodes"), _edge_nodes(selection))
    return object_columns(nodes, node_plans, needed)


def object_columns(
    selections: Iterable[Selection | None], plans: FieldPlans, required: Iterable[str] = ("id",)
) -> tuple[str, ...] | None:
    """The columns the fields selected on some objects read; None: all."""
    present = [selection for selection in selections if selection is not None]
    if not present:
        return tuple(sorted(set(required)))
    key = ("object_columns", id(plans), tuple(required), *map(id, present))
    found = present[0].derived.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = present[0].derived[key] = _object_columns(present, plans, required)
    return found  # type: ignore[no-any-return]


def _object_columns(
    selections: Iterable[Selection], plans: FieldPlans, required: Iterable[str]
) -> tuple[str, ...] | None:
    needed = set(required)
    for selection in selections:
        for name in selection.children:
            if name == "__typename":
                continue
            plan = plans.get(name)
            if isinstance(plan, Attribute):
                needed.add(plan.name)
            elif plan is not None and plan.columns is not None:
                needed.update(plan.columns)
            else:
                return None
    return tuple(sorted(needed))


def _edge_nodes(selection: Selection) -> Selection | None:
    edges = selection.children.get("edges")
    return None if edges is None else edges.children.get("node")
