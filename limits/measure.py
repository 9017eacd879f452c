"""Depth, aliases, directives and root fields of one operation, as it would execute.

The operation's places are collected by the project's collector (selections/)
untyped, since this runs before validation: every type condition applies and
every condition on a variable holds, so the measures bound what any request
of the document may execute. Fields merge by response key and a fragment
spread twice in one place counts once, as at execution; a fragment spread in
several places counts in each. The walk is linear in the document (each
fragment is collected once per collector) and capped by the collector's
budget (`SelectionTooComplex`). Fields nested deeper than `MAX_NESTING` are
not followed: a fragment cycle through a field (reported by
NoFragmentCyclesRule afterwards) would otherwise nest forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode

from selections import DEFAULT_MAX_STEPS, MAX_NESTING, Collector


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int
    aliases: int
    directives: int
    root_fields: int = 0
    steps: int = 0  # the collector's


def measure_operation(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    max_steps: int = DEFAULT_MAX_STEPS,
) -> Measure:
    """The operation's measures; `SelectionTooComplex` past `max_steps` collector steps."""
    collector = Collector(None, fragments, max_steps=max_steps)
    grouped = collector.fields(None, (operation.selection_set,))
    root_fields = sum(nodes[0].name.value != "__typename" for nodes in grouped.fields.values())
    depth, aliases, directives = _Measurer(collector).place(grouped.fields, 1)
    directives += grouped.directives + len(operation.directives or ())
    return Measure(depth, aliases, directives, root_fields, collector.steps)


class _Measurer:
    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def place(self, fields: dict[str, list[FieldNode]], nesting: int) -> tuple[int, int, int]:
        """(depth, aliases, directives) of a place's fields and everything below them."""
        depth = aliases = directives = 0
        for nodes in fields.values():
            aliases += sum(node.alias is not None for node in nodes)
            below: list[SelectionSetNode] = [n.selection_set for n in nodes if n.selection_set]
            inner = (0, 0, 0)
            if below and nesting < MAX_NESTING:
                grouped = self.collector.fields(None, below)
                inner = self.place(grouped.fields, nesting + 1)
                directives += grouped.directives
            aliases += inner[1]
            directives += inner[2]
            # Introspection depth is bounded by graphql-core's MaxIntrospectionDepthRule.
            if not nodes[0].name.value.startswith("__"):
                depth = max(depth, 1 + inner[0])
        return depth, aliases, directives
