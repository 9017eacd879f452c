"""Query cost: an upper bound before execution, the real count after it.

One point per object the response may hold (GitHub's node limit, Shopify's
"objects cost 1, scalars 0"): a connection multiplies its items by `first`
or `last` (the default page size when both are absent), a list whose length
an argument gives (`nodes(ids:)`, `tripActivity(days:)`) by that length,
other lists of unknown length count once; connection, edge and PageInfo
wrappers are free. Counts and aggregates (`totalCount`, ranks, fleet totals)
cost the rows their statements read (limits/scans.py), once per object that
selects them. Each mutation root field costs `MUTATION_COST` on top.

The structure (`CostTree`) is compiled once per collected operation
(selections/: fragments, field merging and @skip/@include already applied);
the requested cost is evaluated per request with the operation's coerced
variables (defaults applied, `100.0` an Int), the actual cost by walking the
response data with the same tree, or from the objects the planned executor
counted as it built them (`CountedResult`) plus the aggregates found walking
only the paths that hold some (`CostTree.scanned`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    IntValueNode,
    ListValueNode,
    OperationType,
    VariableNode,
    get_named_type,
)
from strawberry.types import ExecutionResult

from limits.scans import LIST_LENGTHS, object_scan
from pagination.args import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from selections import CollectedField, CollectedObject, CollectedOperation

MUTATION_COST = 10
WRAPPER_SUFFIXES = ("Connection", "Edge")
WRAPPER_TYPES = frozenset({"PageInfo"})


@dataclass(frozen=True, slots=True)
class FromVariable:
    """A size a variable gives: its coerced value, else the argument's default."""

    name: str
    default: Any


# A page size or a list's length as written: known (None: absent), or from a variable.
Size = int | None | FromVariable


@dataclass(slots=True)
class CostField:
    key: str  # response key (alias or name)
    each: int  # points per object: 1 (0 for wrappers) + `scan`
    scan: int  # points per object for the aggregates selected on it (limits/scans.py)
    is_list: bool
    page: tuple[Size, Size] | None = None  # (first, last) of a connection
    length: Size = None  # list length from an argument (`ids`, `days`)
    max_length: int | None = None  # the most the resolver accepts
    extra: int = 0  # flat cost of the field itself (mutations)
    children: dict[str, CostField] = field(default_factory=dict)
    # One key selected on several possible types: its requested cost is the costliest
    # variant's, `children` the union (for the response walk).
    variants: tuple[CostField, ...] = ()
    scanning: bool = False  # aggregates here or below: `CostTree.scanned` walks it
    scanning_children: tuple[CostField, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        self.scanning_children = tuple(c for c in self.children.values() if c.scanning)


@dataclass(slots=True)
class CostTree:
    fields: dict[str, CostField]
    scan: int = 0  # the root object's aggregates
    # The requested cost when no variable sets a size (most documents): computed once.
    _constant: int | None = field(default=None, init=False, repr=False)
    _scanning: tuple[CostField, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        if not any(_reads_variables(f) for f in self.fields.values()):
            self._constant = self._requested({})
        self._scanning = tuple(f for f in self.fields.values() if f.scanning)

    @property
    def reads_variables(self) -> bool:
        return self._constant is None

    def requested(self, variables: Mapping[str, Any] | None) -> int:
        """The upper bound, with the operation's coerced variable values."""
        if self._constant is not None:
            return self._constant
        return self._requested(variables or {})

    def _requested(self, variables: Mapping[str, Any]) -> int:
        return self.scan + sum(_requested(f, variables, None) for f in self.fields.values())

    def actual(self, data: Mapping[str, Any] | None) -> int:
        if not data:
            return 0
        fields = self.fields.values()
        return self.scan + sum(_actual(f, data.get(f.key)) + f.extra for f in fields)

    def scanned(self, data: Mapping[str, Any] | None) -> int:
        """The aggregates' part of `actual` (what the planned executor does not count)."""
        if not data:
            return 0
        return self.scan + sum(_scanned(f, data.get(f.key)) for f in self._scanning)


def compile_cost(collected: CollectedOperation) -> CostTree:
    root = collected.root
    if root is None:
        return CostTree({})
    fields = _fields(root)
    if collected.operation.operation is OperationType.MUTATION:
        for f in fields.values():
            f.extra = MUTATION_COST
    return CostTree(fields, object_scan(None, root.type.name, _names(root)))


def _fields(parent: CollectedObject) -> dict[str, CostField]:
    out: dict[str, CostField] = {}
    for key, found in parent.fields.items():
        if not found.objects or found.name.startswith("__"):
            continue  # scalars, enums (aggregates are priced on their object), introspection
        owner = (parent.type.name, found.name)
        definition = found.definition
        output = definition.type
        if isinstance(output, GraphQLNonNull):
            output = output.of_type
        named = get_named_type(output)
        is_connection = named.name.endswith("Connection") and (
            "first" in definition.args or "last" in definition.args
        )
        length_argument, max_length = LIST_LENGTHS.get(owner, (None, None))
        scans = [object_scan(owner, o.type.name, _names(o)) for o in found.objects.values()]
        each = max(
            int(not _is_wrapper(o.type.name)) + scan
            for o, scan in zip(found.objects.values(), scans, strict=True)
        )
        children = _union([_fields(o) for o in found.objects.values()])
        out[key] = CostField(
            key=key,
            each=each,
            scan=max(scans),
            is_list=isinstance(output, GraphQLList),
            page=(_size(found, "first"), _size(found, "last")) if is_connection else None,
            length=_size(found, length_argument) if length_argument else None,
            max_length=max_length,
            children=children,
            scanning=max(scans) > 0 or any(c.scanning for c in children.values()),
        )
    return out


def _names(selected: CollectedObject) -> list[str]:
    return [f.name for f in selected.fields.values()]


def _union(alternatives: list[dict[str, CostField]]) -> dict[str, CostField]:
    """The fields of an abstract field's possible types, merged by response key."""
    if len(alternatives) == 1:
        return alternatives[0]
    by_key: dict[str, list[CostField]] = {}
    for fields in alternatives:
        for key, f in fields.items():
            by_key.setdefault(key, []).append(f)
    return {key: found[0] if len(found) == 1 else _merged(found) for key, found in by_key.items()}


def _merged(variants: list[CostField]) -> CostField:
    first = variants[0]
    return CostField(
        key=first.key,
        each=max(v.each for v in variants),
        scan=max(v.scan for v in variants),
        is_list=first.is_list,
        children=_union([v.children for v in variants]),
        variants=tuple(variants),
        scanning=any(v.scanning for v in variants),
    )


def _size(found: CollectedField, name: str) -> Size:
    """The argument `name` of a field as written (its default when absent)."""
    value = next((a.value for a in found.nodes[0].arguments or () if a.name.value == name), None)
    argument = found.definition.args.get(name)
    default = None if argument is None else argument.default_value
    if value is None:
        return _known(default)
    if isinstance(value, VariableNode):
        return FromVariable(value.name.value, default)
    if isinstance(value, ListValueNode):
        return len(value.values)
    if isinstance(value, IntValueNode):
        return max(0, int(value.value))
    return None  # null, or a value validation refuses


def _known(value: Any) -> int | None:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    return None  # absent (Undefined, null), or a value the resolver refuses anyway


def _value(size: Size, variables: Mapping[str, Any]) -> int | None:
    if isinstance(size, FromVariable):
        return _known(variables.get(size.name, size.default))
    return size


@cache  # schema type names: a few dozen
def _is_wrapper(name: str) -> bool:
    return name in WRAPPER_TYPES or name.endswith(WRAPPER_SUFFIXES)


def objects_cost(objects_by_type: Mapping[str, int]) -> int:
    """The objects' part of the actual cost of a response whose executor counted its
    objects by type: what `CostTree.actual` finds walking it, aggregates aside."""
    return sum(n for name, n in objects_by_type.items() if not _is_wrapper(name))


@dataclass
class CountedResult(ExecutionResult):
    """A result whose executor counted its objects (`objects_cost`) and, unless None,
    its aggregates' points (limits/scans.py): no walk of its data needed."""

    objects: int = 0
    scanned: int | None = None


def _page_size(page: tuple[Size, Size], variables: Mapping[str, Any]) -> int:
    first, last = (_value(a, variables) for a in page)
    size = first if first is not None else last
    # Sizes above the maximum are refused by the resolver; they cost the maximum.
    return DEFAULT_PAGE_SIZE if size is None else min(size, MAX_PAGE_SIZE)


def _reads_variables(f: CostField) -> bool:
    """Whether a variable sets a size at or below `f` (a page size, a list's length)."""
    sizes = [*(f.page or ()), f.length]
    if any(isinstance(size, FromVariable) for size in sizes):
        return True
    return any(_reads_variables(v) for v in f.variants) or any(
        _reads_variables(child) for child in f.children.values()
    )


def _requested(f: CostField, variables: Mapping[str, Any], items: int | None) -> int:
    if f.variants:
        return max(_requested(v, variables, items) for v in f.variants)
    count = 1
    if f.is_list:
        length = _value(f.length, variables)
        if length is not None and f.max_length is not None:
            length = min(length, f.max_length)  # more is refused by the resolver
        count = items if items is not None else (length if length is not None else 1)
    inner = _page_size(f.page, variables) if f.page is not None else None
    per_item = f.each + sum(_requested(c, variables, inner) for c in f.children.values())
    return f.extra + count * per_item


def _actual(f: CostField, value: Any) -> int:
    # Runs over every object of every response: loops, not generators, and a
    # list of objects without object children is counted without descending.
    if isinstance(value, list):
        if not f.children:
            return f.each * sum(isinstance(item, dict) for item in value) if f.each else 0
        total = 0
        for item in value:
            total += _actual(f, item)
        return total
    if not isinstance(value, dict):
        return 0
    total = f.each
    for child in f.children.values():
        total += _actual(child, value.get(child.key))
    return total


def _scanned(f: CostField, value: Any) -> int:
    # Runs over the planned executor's responses: only down the paths that hold
    # aggregates, and a list of objects with none below is counted without descending.
    below = f.scanning_children
    if isinstance(value, list):
        if not below:
            return f.scan * (len(value) - value.count(None)) if f.scan else 0
        total = 0
        for item in value:
            total += _scanned(f, item)
        return total
    if not isinstance(value, dict):
        return 0
    total = f.scan
    for child in below:
        total += _scanned(child, value.get(child.key))
    return total
