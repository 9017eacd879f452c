"""Planning: a validated operation + directive values + scope → a tree of plans.

Planning runs once per cache key (planner/cache.py): it resolves fragments,
@skip/@include, aliases and field merging, looks every field up in the
registry (planner/fields.py), and compiles one builder per selection set
(planner/builders.py). Anything it cannot cover raises `Unplannable`, and the
request goes to the reference executor.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.values import get_argument_values
from graphql.language import (
    BooleanValueNode,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
)

from planner import reasons
from planner.builders import Builder, Leaf, compile_builder, serializer_for
from planner.fields import Attribute, Batched, Computed, FieldPlan, FieldPlans


class Unplannable(Exception):
    """The planner does not cover this operation; the reference executor answers it.

    `reason` is one of planner/reasons.py's codes (what clients and metrics see);
    `detail` names the type, field or value (for spans and logs only).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, detail={self.detail!r})"


@dataclass(frozen=True, slots=True)
class Selection:
    """Field names selected below a field (not response keys): for join decisions."""

    children: Mapping[str, Selection] = field(default_factory=dict)
    # What loads derive from it (the columns they read), computed once: a selection
    # lives as long as its cached plan.
    derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def has(self, *paths: Sequence[str]) -> bool:
        """True when any of `paths` (field names from here down) is selected."""
        return any(self.at(*path) is not None for path in paths)

    def at(self, *path: str) -> Selection | None:
        """The selection at `path` (field names from here down), if selected."""
        node: Selection | None = self
        for name in path:
            node = None if node is None else node.children.get(name)
        return node


@dataclass(frozen=True, slots=True)
class ChildPlan:
    """A field whose value needs a load, or whose value is an object or a list."""

    key: str
    source: FieldPlan
    definition: GraphQLField
    node: FieldNode  # for arguments, read per request (they may hold variables)
    selection: Selection
    non_null: bool
    is_list: bool
    item_non_null: bool
    leaf: Leaf | None  # set for a scalar/enum field
    objects: Mapping[str, ObjectPlan]  # by concrete type name; empty for a leaf
    abstract: bool  # values are (type name, row) pairs
    # The coerced arguments when no variable occurs in them (then the same for every
    # request: coerced once here); None: read per request.
    constant_arguments: Mapping[str, Any] | None = None
    # The child field of its objects that its load brings in the same statement
    # (`Batched.fold`); that child's plan then reads what was brought.
    folds: ChildPlan | None = None


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """One selection set on one concrete object type."""

    type_name: str
    build: Builder  # the immediate fields, in response order; others are placeholders
    children: tuple[ChildPlan, ...]


@dataclass(frozen=True, slots=True)
class OperationPlan:
    root: ObjectPlan
    operation: OperationDefinitionNode
    levels: int  # depth of the response
    loads: int  # Batched fields in the plan (node/nodes: one per concrete type): the most
    # SQL statements a request may take, whatever its page sizes


Registry = Mapping[str, FieldPlans]  # GraphQL type name → its fields' plans


def find_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise Unplannable(reasons.OPERATION_NAME_REQUIRED)
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise Unplannable(reasons.UNKNOWN_OPERATION)


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """Variables used by @skip/@include anywhere: one plan per combination of their values."""
    names: list[str] = []

    def visit(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                for argument in directive.arguments or ():
                    value = argument.value
                    if isinstance(value, VariableNode) and value.name.value not in names:
                        names.append(value.name.value)
            visit(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        visit(getattr(definition, "selection_set", None))
    return tuple(names)


class PlanBuilder:
    def __init__(
        self,
        schema: GraphQLSchema,
        registry: Registry,
        document: DocumentNode,
        variables: Mapping[str, Any],
        is_admin: bool,
    ) -> None:
        self.schema = schema
        self.registry = registry
        self.variables = variables
        self.is_admin = is_admin
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.depth = 0
        self.loads = 0

    def operation(self, operation: OperationDefinitionNode) -> OperationPlan:
        if operation.operation is not OperationType.QUERY:
            raise Unplannable(reasons.NOT_A_QUERY, operation.operation.value)
        query = self.schema.query_type
        assert query is not None
        root = self.object_plan(query, [operation.selection_set], level=1)
        return OperationPlan(root, operation, self.depth, self.loads)

    # -- selection sets ---------------------------------------------------------------

    def object_plan(
        self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode], level: int
    ) -> ObjectPlan:
        self.depth = max(self.depth, level)
        plans = self.registry.get(type_.name)
        if plans is None:
            raise Unplannable(reasons.TYPE_NOT_COVERED, type_.name)
        entries: list[tuple[str, Any]] = []
        children: list[ChildPlan] = []
        for key, nodes in self.collect(type_, selection_sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                entries.append((key, ("literal", type_.name)))
                continue
            if name.startswith("__"):
                raise Unplannable(reasons.INTROSPECTION, name)
            definition = type_.fields[name]
            plan = plans.get(name)
            if plan is None:
                raise Unplannable(reasons.FIELD_NOT_COVERED, f"{type_.name}.{name}")
            plan = self.for_viewer(plan)
            child = self.child_plan(key, plan, definition, nodes, level)
            if child.leaf is not None and not isinstance(plan, Batched):
                entries.append((key, ("leaf", plan, child.leaf)))
            else:
                entries.append((key, ("placeholder",)))
                children.append(child)
        return ObjectPlan(type_.name, compile_builder(entries), tuple(children))

    def for_viewer(self, plan: FieldPlan) -> FieldPlan:
        if isinstance(plan, Computed) and plan.for_viewer is not None:
            return Computed(plan.for_viewer(self.is_admin))
        return plan

    def child_plan(
        self,
        key: str,
        plan: FieldPlan,
        definition: GraphQLField,
        nodes: list[FieldNode],
        level: int,
    ) -> ChildPlan:
        type_: Any = definition.type
        non_null = isinstance(type_, GraphQLNonNull)
        if non_null:
            type_ = type_.of_type
        is_list = isinstance(type_, GraphQLList)
        item_non_null = False
        if is_list:
            type_ = type_.of_type
            item_non_null = isinstance(type_, GraphQLNonNull)
            if item_non_null:
                type_ = type_.of_type
            if isinstance(type_, GraphQLList | GraphQLNonNull):
                raise Unplannable(reasons.NESTED_LIST, f"{definition.type}")
        selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
        leaf: Leaf | None = None
        objects: dict[str, ObjectPlan] = {}
        abstract = False
        if is_leaf_type(type_):
            leaf = serializer_for(type_)
        elif is_object_type(type_):
            objects[type_.name] = self.object_plan(type_, selection_sets, level + 1)
        elif is_abstract_type(type_):
            abstract = True
            assert isinstance(type_, GraphQLAbstractType)
            for possible in self.schema.get_possible_types(type_):
                objects[possible.name] = self.object_plan(possible, selection_sets, level + 1)
        else:
            raise Unplannable(reasons.TYPE_NOT_COVERED, str(type_))
        if isinstance(plan, Batched):
            self.loads += max(1, len(objects)) if abstract else 1
        return ChildPlan(
            key=key,
            source=plan,
            definition=definition,
            node=nodes[0],
            selection=self.selection(nodes),
            non_null=non_null,
            is_list=is_list,
            item_non_null=item_non_null,
            leaf=leaf,
            objects=objects,
            abstract=abstract,
            constant_arguments=_constant_arguments(definition, nodes[0]),
            folds=_folded_child(plan, objects, abstract),
        )

    def selection(self, nodes: Sequence[FieldNode]) -> Selection:
        """Field names below `nodes`, on any type (a superset is fine: joins only)."""
        children: dict[str, list[FieldNode]] = {}

        def gather(selection_set: SelectionSetNode | None) -> None:
            if selection_set is None:
                return
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    children.setdefault(selection.name.value, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    gather(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments.get(selection.name.value)
                    if fragment is not None:
                        gather(fragment.selection_set)

        for node in nodes:
            gather(node.selection_set)
        return Selection({name: self.selection(found) for name, found in children.items()})

    def collect(
        self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """Fields by response key, in first-appearance order (the spec's CollectFields)."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self.applies(condition.name.value, type_):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if name in visited or fragment is None:
                        continue
                    visited.add(name)
                    if self.applies(fragment.type_condition.name.value, type_):
                        visit(fragment.selection_set)

        for selection_set in selection_sets:
            visit(selection_set)
        return fields

    def applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        if condition == type_.name:
            return True
        conditional = self.schema.get_type(condition)
        return is_abstract_type(conditional) and self.schema.is_sub_type(conditional, type_)

    def included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            [argument] = [a for a in directive.arguments if a.name.value == "if"]
            value = argument.value
            if isinstance(value, VariableNode):
                flag = bool(self.variables.get(value.name.value))
            elif isinstance(value, BooleanValueNode):
                flag = value.value
            else:
                raise Unplannable(reasons.DIRECTIVE_ARGUMENT, name)
            if (name == "skip") == flag:
                return False
        return True


__all__ = [
    "Attribute",
    "ChildPlan",
    "Computed",
    "ObjectPlan",
    "OperationPlan",
    "PlanBuilder",
    "Registry",
    "Selection",
    "Unplannable",
    "directive_variables",
    "find_operation",
]


def _constant_arguments(definition: GraphQLField, node: FieldNode) -> Mapping[str, Any] | None:
    """The field's coerced arguments if no variable occurs in them; None otherwise."""
    if not definition.args:
        return {}
    if any(_has_variable(argument.value) for argument in node.arguments or ()):
        return None
    try:
        return get_argument_values(definition, node, None)
    except GraphQLError:  # refused per request, as before, where the error is reported
        return None


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(item.value) for item in value.fields)
    return False


def _folded_child(
    plan: FieldPlan, objects: Mapping[str, ObjectPlan], abstract: bool
) -> ChildPlan | None:
    """The first child of the field's objects its load can fold in (`Batched.fold`)."""
    if not isinstance(plan, Batched) or plan.fold is None or abstract or len(objects) != 1:
        return None
    [object_plan] = objects.values()
    for child in object_plan.children:
        if isinstance(child.source, Batched) and child.node.name.value in plan.fold.children:
            return child
    return None
