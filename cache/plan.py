"""What the response cache needs to know about one operation, computed once.

For a (document, operation name) pair: whether it may be cached at all,
its max age and scope from the hints of every selected field and type, and
the tags it carries whatever the data (list tags, bare type tags for
objects selected without `id`). Per request only the id arguments of root
fields are decoded (`request_tags`). Stored in `PreparedDocument.derived`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListValueNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_composite_type,
)

from cache.hints import CacheHint, Scope
from cache.schema_hints import SchemaHints
from cache.walk import id_tag

_INTROSPECTION = frozenset({"__schema", "__type"})
_ID_ARGUMENTS = frozenset({"id", "ids"})
_UNBOUNDED = 2**31  # no field has bounded the max age yet
Parent = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass(frozen=True, slots=True)
class CachePlan:
    bypass: str | None  # why this operation is never cached; None: cacheable
    max_age: int = 0
    scope: Scope = Scope.PUBLIC
    tags: frozenset[str] = frozenset()
    id_arguments: tuple[ValueNode, ...] = ()  # of root fields: `driver(id:)`, `nodes(ids:)`

    def request_tags(self, variables: Mapping[str, Any] | None) -> set[str]:
        tags = set(self.tags)
        for value in self.id_arguments:
            for global_id in _strings(value, variables or {}):
                tag = id_tag(global_id)
                if tag is not None:
                    tags.add(tag)
        return tags


def plan_operation(
    schema: GraphQLSchema,
    hints: SchemaHints,
    document: DocumentNode,
    operation_name: str | None,
    default_max_age: int,
) -> CachePlan:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return CachePlan(bypass="no operation")
    if operation.operation is not OperationType.QUERY:
        return CachePlan(bypass=operation.operation.value)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, hints, fragments, default_max_age, _UNBOUNDED)
    assert schema.query_type is not None
    walk.selections(operation.selection_set, schema.query_type, root=True)
    if walk.introspection:
        return CachePlan(bypass="introspection")
    max_age = default_max_age if walk.max_age == _UNBOUNDED else walk.max_age
    if max_age <= 0:
        return CachePlan(bypass="max age 0")
    scope = Scope.PRIVATE if walk.private else Scope.PUBLIC
    return CachePlan(None, max_age, scope, frozenset(walk.tags), tuple(walk.id_arguments))


@dataclass
class _Walk:
    schema: GraphQLSchema
    hints: SchemaHints
    fragments: dict[str, FragmentDefinitionNode]
    default: int
    max_age: int
    private: bool = False
    introspection: bool = False
    tags: set[str] = field(default_factory=set)
    id_arguments: list[ValueNode] = field(default_factory=list)

    def selections(self, selection_set: SelectionSetNode, parent: Parent, root: bool) -> None:
        for node, owner in self._fields(selection_set, parent):
            name = node.name.value
            if name in _INTROSPECTION:
                self.introspection = True
                continue
            fields = {} if isinstance(owner, GraphQLUnionType) else owner.fields
            definition = fields.get(name)
            if definition is None:  # __typename
                continue
            returned = get_named_type(definition.type)
            declared = self.hints.fields.get((owner.name, name))
            self._apply(declared)
            if root:
                self.id_arguments += [
                    a.value for a in node.arguments or () if a.name.value in _ID_ARGUMENTS
                ]
            if not is_composite_type(returned) or node.selection_set is None:
                continue
            assert isinstance(returned, Parent)
            type_age = self._returns(returned, node.selection_set)
            if declared is None or declared.max_age is None:
                # Apollo's rule: a field returning an object is as fresh as its
                # hint, else its type's, else the default.
                self.max_age = min(self.max_age, self.default if type_age is None else type_age)
            self.selections(node.selection_set, returned, root=False)

    def _returns(self, returned: Parent, selection_set: SelectionSetNode) -> int | None:
        """Apply the hints of the returned type and of every object type it may be;
        the least max age they declare, if any."""
        possible = [returned.name]
        if isinstance(returned, GraphQLInterfaceType | GraphQLUnionType):
            possible = [t.name for t in self.schema.get_possible_types(returned)]
        declared = [self.hints.types.get(name) for name in possible]
        for found in declared:
            self._apply(found, with_age=False)
        has_id = self._selects_id(selection_set)
        for name, found in zip(possible, declared, strict=True):
            if name in self.hints.node_types and (not has_id or (found and found.type_tag)):
                self.tags.add(name)
        return min((h.max_age for h in declared if h and h.max_age is not None), default=None)

    def _apply(self, found: CacheHint | None, with_age: bool = True) -> None:
        if found is None:
            return
        if with_age and found.max_age is not None:
            self.max_age = min(self.max_age, found.max_age)
        self.private |= found.scope is Scope.PRIVATE
        self.tags.update(found.tags)

    def _fields(
        self, selection_set: SelectionSetNode, parent: Parent
    ) -> Iterator[tuple[FieldNode, Parent]]:
        """Fields with the type that declares them, through inline and named fragments."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
                continue
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            owner = self.schema.get_type(condition.name.value) if condition else parent
            assert isinstance(owner, Parent)
            yield from self._fields(inner, owner)

    def _selects_id(self, selection_set: SelectionSetNode) -> bool:
        """Whether the response objects carry their global id under the key `id`."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                alias = selection.alias.value if selection.alias else "id"
                if selection.name.value == "id" and alias == "id":
                    return True
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self.fragments[selection.name.value].selection_set
            if self._selects_id(inner):
                return True
        return False


def _strings(value: ValueNode, variables: Mapping[str, Any]) -> Iterator[str]:
    if isinstance(value, VariableNode):
        found = variables.get(value.name.value)
        items = found if isinstance(found, list) else [found]
        yield from (item for item in items if isinstance(item, str))
    elif isinstance(value, StringValueNode):
        yield value.value
    elif isinstance(value, ListValueNode):
        for item in value.values:
            yield from _strings(item, variables)
