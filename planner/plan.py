"""Planning: a validated operation's collected selections + scope → a tree of plans.

Planning runs once per cache key (planner/planner.py): the project's collector
(selections/) has resolved fragments, @skip/@include, aliases and field
merging for the request's directive values; planning looks every field up in
the registry (planner/fields.py), and compiles one builder per selection set
(planner/builders.py). Anything it cannot cover raises `Unplannable`, and the
request goes to the reference executor.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.values import get_argument_values
from graphql.language import ListValueNode, ObjectValueNode, ValueNode, VariableNode

from planner import reasons
from planner.builders import Builder, Leaf, compile_builder, serializer_for
from planner.fields import Attribute, Batched, Computed, FieldPlan, FieldPlans
from planner.unplannable import Unplannable
from selections import CollectedField, CollectedObject, CollectedOperation


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
    # Cost points per object besides itself: the aggregates selected on it (`Scans`).
    scan: int = 0


@dataclass(frozen=True, slots=True)
class OperationPlan:
    root: ObjectPlan
    operation: OperationDefinitionNode
    levels: int  # depth of the response
    loads: int  # Batched fields in the plan (node/nodes: one per concrete type): the most
    # SQL statements a request may take, whatever its page sizes
    # Whether `ObjectPlan.scan` prices the aggregates as the cost's response walk does
    # (not below an abstract field, where that walk cannot tell the objects' types).
    scans_counted: bool = False


Registry = Mapping[str, FieldPlans]  # GraphQL type name → its fields' plans
# The cost of the aggregates among an object's selected fields (limits.scans.object_scan):
# (the field (type, name) that returned it, its type name, its fields' names) → points.
Scans = Callable[[tuple[str, str] | None, str, Iterable[str]], int]


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


class PlanBuilder:
    """Plans an operation's collected selections (selections/: fragments, field
    merging and @skip/@include already resolved for the request's values)."""

    def __init__(
        self, schema: GraphQLSchema, registry: Registry, is_admin: bool, scans: Scans | None = None
    ) -> None:
        self.schema = schema
        self.registry = registry
        self.is_admin = is_admin
        self.scans = scans
        self.depth = 0
        self.loads = 0
        self.scans_counted = scans is not None

    def operation(self, collected: CollectedOperation) -> OperationPlan:
        operation = collected.operation
        if operation.operation is not OperationType.QUERY:
            raise Unplannable(reasons.NOT_A_QUERY, operation.operation.value)
        assert collected.root is not None
        root = self.object_plan(collected.root, level=1)
        return OperationPlan(root, operation, self.depth, self.loads, self.scans_counted)

    # -- selection sets ---------------------------------------------------------------

    def object_plan(
        self,
        selected: CollectedObject,
        level: int,
        owner: tuple[str, str] | None = None,
        below_abstract: bool = False,
    ) -> ObjectPlan:
        """`owner`: the field (type, name) that returned these objects;
        `below_abstract`: an interface or union field is above them."""
        self.depth = max(self.depth, level)
        type_ = selected.type
        plans = self.registry.get(type_.name)
        if plans is None:
            raise Unplannable(reasons.TYPE_NOT_COVERED, type_.name)
        entries: list[tuple[str, Any]] = []
        children: list[ChildPlan] = []
        for key, found in selected.fields.items():
            name = found.name
            if name == "__typename":
                entries.append((key, ("literal", type_.name)))
                continue
            if name.startswith("__"):
                raise Unplannable(reasons.INTROSPECTION, name)
            plan = plans.get(name)
            if plan is None:
                raise Unplannable(reasons.FIELD_NOT_COVERED, f"{type_.name}.{name}")
            plan = self.for_viewer(plan)
            child = self.child_plan(key, plan, found, level, type_.name, below_abstract)
            if child.leaf is not None and not isinstance(plan, Batched):
                entries.append((key, ("leaf", plan, child.leaf)))
            else:
                entries.append((key, ("placeholder",)))
                children.append(child)
        scan = 0
        if self.scans is not None:
            scan = self.scans(owner, type_.name, [f.name for f in selected.fields.values()])
            self.scans_counted &= not (scan and below_abstract)
        return ObjectPlan(type_.name, compile_builder(entries), tuple(children), scan)

    def for_viewer(self, plan: FieldPlan) -> FieldPlan:
        if isinstance(plan, Computed) and plan.for_viewer is not None:
            return Computed(plan.for_viewer(self.is_admin))
        return plan

    def child_plan(
        self,
        key: str,
        plan: FieldPlan,
        found: CollectedField,
        level: int,
        parent: str,
        below_abstract: bool = False,
    ) -> ChildPlan:
        """The plan of a field of `parent` (a type name); `below_abstract`: an
        interface or union field is above it."""
        definition = found.definition
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
        leaf: Leaf | None = None
        objects: dict[str, ObjectPlan] = {}
        abstract = False
        if is_leaf_type(type_):
            leaf = serializer_for(type_)
        elif is_object_type(type_) or is_abstract_type(type_):
            abstract = is_abstract_type(type_)
            owner = (parent, found.name)
            for name, selected in found.objects.items():
                objects[name] = self.object_plan(
                    selected, level + 1, owner, below_abstract or abstract
                )
        else:
            raise Unplannable(reasons.TYPE_NOT_COVERED, str(type_))
        if isinstance(plan, Batched):
            self.loads += max(1, len(objects)) if abstract else 1
        return ChildPlan(
            key=key,
            source=plan,
            definition=definition,
            node=found.nodes[0],
            selection=selection_of(found),
            non_null=non_null,
            is_list=is_list,
            item_non_null=item_non_null,
            leaf=leaf,
            objects=objects,
            abstract=abstract,
            constant_arguments=_constant_arguments(definition, found.nodes[0]),
            folds=_folded_child(plan, objects, abstract),
        )


def selection_of(found: CollectedField) -> Selection:
    """Field names below a field, on any of its types (a superset is fine: joins only)."""
    return _selection([found])


def _selection(fields: Sequence[CollectedField]) -> Selection:
    by_name: dict[str, list[CollectedField]] = {}
    for found in fields:
        for selected in found.objects.values():
            for below in selected.fields.values():
                by_name.setdefault(below.name, []).append(below)
    return Selection({name: _selection(group) for name, group in by_name.items()})


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
    "find_operation",
    "selection_of",
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
