"""How the planner obtains each field: the vocabulary of the field registry.

Each GraphQL object type the planner covers declares, next to its
Strawberry class (gql/types), a `FieldPlans` mapping its field names to one
of these. A field is either read from the parent's value at once
(`Attribute`, `Computed`), or loaded for ALL parents of a level in one call
(`Batched`): the planner never resolves a field per object.

Values are what the data layer returns (rows, pages); leaves are serialized
by the planner from the field's GraphQL type, exactly as the reference
executor's scalars and enums serialize them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from context import Context
    from planner.plan import Selection

Arguments: TypeAlias = Mapping[str, Any]  # coerced GraphQL arguments, by GraphQL name
BatchLoad: TypeAlias = Callable[
    ["Context", Arguments, Sequence[Any], "Selection"], Awaitable[Sequence[Any]]
]

BatchNow: TypeAlias = Callable[[Arguments, Sequence[Any], "Selection"], Sequence[Any] | None]


@dataclass(frozen=True, slots=True)
class Attribute:
    """The parent value's attribute `name` (a row column, a page flag)."""

    name: str


@dataclass(frozen=True, slots=True)
class Computed:
    """A value computed from the parent value alone, no I/O (a global id, a cursor)."""

    compute: Callable[[Any], Any]
    # Set when the value depends on who asks (Driver.email): called with is_admin.
    for_viewer: Callable[[bool], Callable[[Any], Any]] | None = None
    # The parent row's columns it reads; None: not declared (no column is left out).
    columns: tuple[str, ...] | None = None


FoldLoad: TypeAlias = Callable[
    ["Context", Arguments, Sequence[Any], "Selection", str, Arguments, "Selection"],
    Awaitable[tuple[Sequence[Any], Sequence[Any]] | None],
]


@dataclass(frozen=True, slots=True)
class Fold:
    """A `Batched` field's load that also loads one child field of its objects, in the
    same statement: `load(context, arguments, parents, selection, child name, child
    arguments, child selection)` returns (values, the child's value for each value),
    or None when it cannot (the two load apart). `children`: the child fields it folds.
    """

    children: frozenset[str]
    load: FoldLoad


@dataclass(frozen=True, slots=True)
class Batched:
    """Values for every parent of a level from ONE call (one SQL statement).

    `load(context, arguments, parents, selection)` returns one value per parent,
    in order; `selection` (the field names selected below) lets a load join a
    to-one relation into its statement when it is asked for.
    """

    load: BatchLoad
    # The parent row's columns it reads; None: not declared (no column is left out).
    columns: tuple[str, ...] | None = None
    # The values at once, without I/O, when the parents' rows already hold them (a
    # relation joined into their statement); None: `load` must run.
    now: BatchNow | None = None
    # Loads one child field of its objects in the same statement when it is selected.
    fold: Fold | None = None


FieldPlan: TypeAlias = Attribute | Computed | Batched
FieldPlans: TypeAlias = Mapping[str, FieldPlan]


def global_id(encode: Callable[[int], str]) -> Computed:
    """The Relay id of a row whose primary key is `id` (`encode`: pk to id, one type's)."""
    return Computed(lambda row: encode(row.id), columns=("id",))
