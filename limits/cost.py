"""Query cost: an upper bound before execution, the real count after it.

One point per object the response may hold (GitHub's node limit, Shopify's
"objects cost 1, scalars 0"): a connection multiplies its items by `first`
or `last` (the default page size when both are absent), `nodes(ids:)` by the
number of ids, and connection, edge and PageInfo wrappers are free. Each
mutation root field costs `MUTATION_COST` on top. The variable-free
structure (`CostTree`) is compiled once per document and operation; the
requested cost is evaluated per request with its variables, the actual cost
by walking the response data with the same tree, or from the objects the
planned executor counted as it built them (`CountedResult`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from strawberry.types import ExecutionResult

from pagination.args import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

MUTATION_COST = 10
WRAPPER_SUFFIXES = ("Connection", "Edge")
WRAPPER_TYPES = frozenset({"PageInfo"})

# An argument as written: a literal (an int, or a list's length) or a variable name.
Argument = int | str | None


@dataclass(slots=True)
class CostField:
    key: str  # response key (alias or name)
    counted: bool  # objects of wrapper types cost nothing themselves
    is_list: bool
    page: tuple[Argument, Argument] | None = None  # (first, last) of a connection
    length: Argument = None  # list length from an argument (`ids`)
    extra: int = 0  # flat cost of the field itself (mutations)
    children: dict[str, CostField] = field(default_factory=dict)


@dataclass(slots=True)
class CostTree:
    fields: dict[str, CostField]
    # The requested cost when no variable sets a size (most documents): computed once.
    _constant: int | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not any(_reads_variables(f) for f in self.fields.values()):
            self._constant = sum(_requested(f, {}, None) for f in self.fields.values())

    def requested(self, variables: Mapping[str, Any] | None) -> int:
        if self._constant is not None:
            return self._constant
        variables = variables or {}
        return sum(_requested(f, variables, None) for f in self.fields.values())

    def actual(self, data: Mapping[str, Any] | None) -> int:
        if not data:
            return 0
        return sum(_actual(f, data.get(f.key)) + f.extra for f in self.fields.values())


def compile_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> CostTree:
    root = schema.get_root_type(operation.operation)
    fields: dict[str, CostField] = {}
    if root is not None:
        _Compiler(schema, fragments).selection_set(operation.selection_set, root, fields, set())
    if operation.operation is OperationType.MUTATION:
        for f in fields.values():
            f.extra = MUTATION_COST
    return CostTree(fields)


class _Compiler:
    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.schema = schema
        self.fragments = fragments

    def selection_set(
        self,
        node: SelectionSetNode,
        parent: GraphQLNamedType,
        into: dict[str, CostField],
        spreading: set[str],
    ) -> None:
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, into, spreading)
            elif isinstance(selection, InlineFragmentNode):
                target = self._condition(selection.type_condition, parent)
                self.selection_set(selection.selection_set, target, into, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:
                    continue
                target = self._condition(fragment.type_condition, parent)
                self.selection_set(fragment.selection_set, target, into, spreading | {name})

    def _condition(self, condition: Any, parent: GraphQLNamedType) -> GraphQLNamedType:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        into: dict[str, CostField],
        spreading: set[str],
    ) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return  # scalars, enums, __typename and introspection cost nothing
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return
        output = (
            definition.type.of_type
            if isinstance(definition.type, GraphQLNonNull)
            else definition.type
        )
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        is_connection = named.name.endswith("Connection") and (
            "first" in definition.args or "last" in definition.args
        )
        key = node.alias.value if node.alias else node.name.value
        entry = into.get(key)
        if entry is None:
            entry = into[key] = CostField(
                key=key,
                counted=not _is_wrapper(named),
                is_list=isinstance(output, GraphQLList),
                page=(_argument(arguments.get("first")), _argument(arguments.get("last")))
                if is_connection
                else None,
                length=_argument(arguments.get("ids")),
            )
        assert isinstance(named, GraphQLCompositeType)
        self.selection_set(node.selection_set, named, entry.children, spreading)


def _is_wrapper(named: GraphQLNamedType) -> bool:
    return _is_wrapper_name(named.name)


@cache  # schema type names: a few dozen
def _is_wrapper_name(name: str) -> bool:
    return name in WRAPPER_TYPES or name.endswith(WRAPPER_SUFFIXES)


def objects_cost(objects_by_type: Mapping[str, int]) -> int:
    """The actual cost of a response whose executor counted its objects by type:
    what `CostTree.actual` finds walking it."""
    return sum(n for name, n in objects_by_type.items() if not _is_wrapper_name(name))


@dataclass
class CountedResult(ExecutionResult):
    """A result whose executor counted its cost (`objects_cost`): no walk needed."""

    objects: int = 0


def _argument(value: ValueNode | None) -> Argument:
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, ListValueNode):
        return len(value.values)
    if isinstance(value, VariableNode):
        return value.name.value
    return None


def _value(argument: Argument, variables: Mapping[str, Any]) -> int | None:
    value = variables.get(argument) if isinstance(argument, str) else argument
    if isinstance(value, list):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    return None  # absent, or a value coercion will refuse anyway


def _page_size(page: tuple[Argument, Argument], variables: Mapping[str, Any]) -> int:
    first, last = (_value(a, variables) for a in page)
    size = first if first is not None else last
    # Sizes above the maximum are refused by the resolver; they cost the maximum.
    return DEFAULT_PAGE_SIZE if size is None else min(size, MAX_PAGE_SIZE)


def _reads_variables(f: CostField) -> bool:
    """Whether a variable sets a size at or below `f` (a page size, a list's length)."""
    arguments = [*(f.page or ()), f.length]
    if any(isinstance(argument, str) for argument in arguments):
        return True
    return any(_reads_variables(child) for child in f.children.values())


def _requested(f: CostField, variables: Mapping[str, Any], items: int | None) -> int:
    count = 1
    if f.is_list:
        length = _value(f.length, variables)
        count = items if items is not None else (length if length is not None else 1)
    inner = _page_size(f.page, variables) if f.page is not None else None
    per_item = int(f.counted) + sum(_requested(c, variables, inner) for c in f.children.values())
    return f.extra + count * per_item


def _actual(f: CostField, value: Any) -> int:
    # Runs over every object of every response: loops, not generators, and a
    # list of objects without object children is counted without descending.
    if isinstance(value, list):
        if not f.children:
            return sum(isinstance(item, dict) for item in value) if f.counted else 0
        total = 0
        for item in value:
            total += _actual(f, item)
        return total
    if not isinstance(value, dict):
        return 0
    total = 1 if f.counted else 0
    for child in f.children.values():
        total += _actual(child, value.get(child.key))
    return total
