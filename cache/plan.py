"""What the response cache needs to know about one operation, computed once.

For an operation's collected selections (selections/, after the limits
guard's document checks): whether it may be cached at all, its max age and
scope from the hints of every selected field and type, and the tags it
carries whatever the data (list tags, bare type tags for objects selected
without `id`). Per request only the id arguments of root fields are decoded
(`request_tags`). Kept with the collected operation (`derived`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLSchema,
    GraphQLUnionType,
    ListValueNode,
    OperationType,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
)

from cache.hints import CacheHint, Scope
from cache.schema_hints import SchemaHints
from global_ids import id_tag
from selections import CollectedField, CollectedObject, CollectedOperation

_INTROSPECTION = frozenset({"__schema", "__type"})
_ID_ARGUMENTS = frozenset({"id", "ids"})
_UNBOUNDED = 2**31  # no field has bounded the max age yet


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
    collected: CollectedOperation,
    default_max_age: int,
) -> CachePlan:
    """The plan of an operation's selections (collected with every @skip/@include
    condition on a variable holding: the hints of all it may select)."""
    if collected.operation.operation is not OperationType.QUERY:
        return CachePlan(bypass=collected.operation.operation.value)
    walk = _Walk(schema, hints, default_max_age, _UNBOUNDED)
    if collected.root is not None:
        walk.selections(collected.root, root=True)
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
    default: int
    max_age: int
    private: bool = False
    introspection: bool = False
    tags: set[str] = field(default_factory=set)
    id_arguments: list[ValueNode] = field(default_factory=list)

    def selections(self, selected: CollectedObject, root: bool) -> None:
        owner = selected.type
        for found in selected.fields.values():
            name = found.name
            if name in _INTROSPECTION:
                self.introspection = True
                continue
            if name == "__typename":
                continue
            declared = self.hints.fields.get((owner.name, name))
            self._apply(declared)
            if root:
                self.id_arguments += [
                    a.value for a in found.nodes[0].arguments or () if a.name.value in _ID_ARGUMENTS
                ]
            if not found.objects:
                continue  # a scalar or an enum
            returned = get_named_type(found.definition.type)
            type_age = self._returns(returned, found)
            if declared is None or declared.max_age is None:
                # Apollo's rule: a field returning an object is as fresh as its
                # hint, else its type's, else the default.
                self.max_age = min(self.max_age, self.default if type_age is None else type_age)
            for below in found.objects.values():
                self.selections(below, root=False)

    def _returns(self, returned: GraphQLNamedType, found: CollectedField) -> int | None:
        """Apply the hints of the returned type and of every object type it may be;
        the least max age they declare, if any."""
        possible = [returned.name]
        if isinstance(returned, GraphQLInterfaceType | GraphQLUnionType):
            possible = [t.name for t in self.schema.get_possible_types(returned)]
        declared = [self.hints.types.get(name) for name in possible]
        for hint in declared:
            self._apply(hint, with_age=False)
        for name, hint in zip(possible, declared, strict=True):
            if name in self.hints.node_types and (
                not _has_id(found, name) or (hint and hint.type_tag)
            ):
                self.tags.add(name)
        return min((h.max_age for h in declared if h and h.max_age is not None), default=None)

    def _apply(self, found: CacheHint | None, with_age: bool = True) -> None:
        if found is None:
            return
        if with_age and found.max_age is not None:
            self.max_age = min(self.max_age, found.max_age)
        self.private |= found.scope is Scope.PRIVATE
        self.tags.update(found.tags)


def _has_id(found: CollectedField, type_name: str) -> bool:
    """Whether the field's objects of `type_name` carry their global id under the key `id`."""
    selected = found.objects.get(type_name)
    below = None if selected is None else selected.fields.get("id")
    return below is not None and below.name == "id"


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
