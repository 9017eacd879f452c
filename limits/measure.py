"""Depth, aliases, directives and root fields of one operation, fragments expanded.

Fragments are measured once each (memoized), so a document that spreads a
fragment many times costs no more to measure than one that spreads it once,
while the counts still multiply as they would at execution. A fragment cycle
counts as nothing here; `NoFragmentCyclesRule` reports it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

FragmentLookup = Callable[[str], FragmentDefinitionNode | None]


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int
    aliases: int
    directives: int


_NOTHING = Measure(0, 0, 0)


class _Measurer:
    def __init__(self, fragment: FragmentLookup) -> None:
        self.fragment = fragment
        self.memo: dict[str, Measure] = {}
        self.visiting: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> Measure:
        if node is None:
            return _NOTHING
        depth = aliases = directives = 0
        for selection in node.selections:
            directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                aliases += (selection.alias is not None) + inner.aliases
                directives += inner.directives
                # Introspection depth is bounded by graphql-core's MaxIntrospectionDepthRule.
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self.spread(selection.name.value)
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            directives += inner.directives
        return Measure(depth, aliases, directives)

    def spread(self, name: str) -> Measure:
        known = self.memo.get(name)
        if known is not None:
            return known
        definition = self.fragment(name)
        if definition is None or name in self.visiting:
            return _NOTHING
        self.visiting.add(name)
        inner = self.selection_set(definition.selection_set)
        self.visiting.discard(name)
        result = Measure(
            inner.depth, inner.aliases, inner.directives + len(definition.directives or ())
        )
        self.memo[name] = result
        return result


def measure_operation(operation: OperationDefinitionNode, fragment: FragmentLookup) -> Measure:
    inner = _Measurer(fragment).selection_set(operation.selection_set)
    return Measure(inner.depth, inner.aliases, inner.directives + len(operation.directives or ()))


def count_root_fields(operation: OperationDefinitionNode, fragment: FragmentLookup) -> int:
    """Fields at the operation's top level (`__typename` excluded), through fragments."""
    seen: set[str] = set()

    def count(node: SelectionSetNode) -> int:
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += selection.name.value != "__typename"
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = fragment(name)
                if definition is not None and name not in seen:
                    seen.add(name)
                    total += count(definition.selection_set)
        return total

    return count(operation.selection_set)
