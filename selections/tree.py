"""An operation's selections collected into the tree of its response's places.

`collect_operation` applies `Collector.fields` from the root type down: each
field (its merged nodes under one response key, its schema definition) holds
the fields selected on each concrete type its values may have (one for an
object type, every possible type for an interface or union). This is what
the planner plans, the cost prices, the response cache hints and the prefetch
warms; every place is collected once per tree, and the tree is memoized per
document (`DocumentSelections`). Each place counts a step towards the budget.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    get_named_type,
    is_composite_type,
    is_object_type,
)

from selections.collector import DEFAULT_MAX_STEPS, MAX_NESTING, Collector
from selections.errors import SelectionTooComplex


@dataclass(frozen=True, slots=True, eq=False)
class CollectedField:
    """One response key of a place: the field nodes merged under it."""

    key: str
    nodes: tuple[FieldNode, ...]  # the first one's arguments are the field's
    definition: GraphQLField
    # What is selected on its values, by concrete type name (the schema's order
    # of possible types); empty for a scalar or enum.
    objects: Mapping[str, CollectedObject]

    @property
    def name(self) -> str:
        return self.nodes[0].name.value


@dataclass(frozen=True, slots=True, eq=False)
class CollectedObject:
    """The fields selected on objects of one concrete type at one place."""

    type: GraphQLObjectType
    fields: Mapping[str, CollectedField]  # by response key, in response order


@dataclass(frozen=True, slots=True, eq=False)
class CollectedOperation:
    operation: OperationDefinitionNode
    root: CollectedObject | None  # None when the schema has no root type for it
    steps: int  # the collector steps it took
    # Data its consumers derive from it (a cost tree, say), kept as long as it is.
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)


def collect_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    *,
    switches: Mapping[str, bool] | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> CollectedOperation:
    """The operation's tree (`SelectionTooComplex` past `max_steps`); `switches` as
    for `Collector`."""
    collector = Collector(schema, fragments, switches=switches, max_steps=max_steps)
    root_type = schema.get_root_type(operation.operation)
    root = None
    if root_type is not None:
        root = _Builder(schema, collector).object(root_type, (operation.selection_set,), 1)
    return CollectedOperation(operation, root, collector.steps)


class _Builder:
    def __init__(self, schema: GraphQLSchema, collector: Collector) -> None:
        self.schema = schema
        self.collector = collector

    def object(
        self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode], level: int
    ) -> CollectedObject:
        if level > MAX_NESTING:  # the walks of the tree recurse too
            raise SelectionTooComplex.nesting(MAX_NESTING)
        self.collector.step()
        grouped = self.collector.fields(type_, selection_sets)
        fields: dict[str, CollectedField] = {}
        for key, nodes in grouped.fields.items():
            definition = self._definition(type_, nodes[0].name.value)
            if definition is None:
                continue  # not in the schema: validation refuses the document
            fields[key] = CollectedField(
                key, tuple(nodes), definition, self._objects(definition, nodes, level)
            )
        return CollectedObject(type_, fields)

    def _objects(
        self, definition: GraphQLField, nodes: Sequence[FieldNode], level: int
    ) -> Mapping[str, CollectedObject]:
        named = get_named_type(definition.type)
        sets = [node.selection_set for node in nodes if node.selection_set is not None]
        if not sets or not is_composite_type(named):
            return {}
        if is_object_type(named):
            assert isinstance(named, GraphQLObjectType)
            return {named.name: self.object(named, sets, level + 1)}
        possible = self.schema.get_possible_types(named)  # type: ignore[arg-type]
        return {type_.name: self.object(type_, sets, level + 1) for type_ in possible}

    def _definition(self, type_: GraphQLObjectType, name: str) -> GraphQLField | None:
        if name.startswith("__"):
            if name == "__typename":
                return TypeNameMetaFieldDef
            if type_ is self.schema.query_type and name == "__schema":
                return SchemaMetaFieldDef
            if type_ is self.schema.query_type and name == "__type":
                return TypeMetaFieldDef
        found: GraphQLField | None = type_.fields.get(name)
        return found
