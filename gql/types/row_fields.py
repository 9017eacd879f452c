"""Fields read from a row: declared once, on the Strawberry class, with their column.

A `@row_type` class is built from one row. Each of its data fields (a field
without a resolver) reads the row's column of the same name, unless declared
otherwise:

    distance_km: float                                   # column distance_km
    duration_seconds: int = column("duration_s")         # another column
    safety_score: int = column(description="0..100")     # Strawberry's options
    pk: strawberry.Private[int] = private_column("id")   # not in the schema
    driver: Driver = from_row(driver_of_row)             # built from the row
    MISSING_ROW: ClassVar[Any] = ZEROS                   # no field: what of(None) reads

From that one declaration derive, once, when the class is decorated:

- `cls.of(row)`, the reference executor's row mapping: one generated function,
  `cls(pk=row.id, distance_km=row.distance_km, ...)`, the code a hand-written
  mapping would be (no loop, no lookup per field, per row);
- `column_plans(cls)`, the planned executor's `Attribute(column)` per GraphQL
  field (by GraphQL name), which its builders compile per plan.

Fields that need a load or a computation keep a hand-written plan beside the
class (planner/fields.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

import strawberry

from planner.fields import Attribute, FieldPlans

_COLUMN = "fleetgraph.column"  # the column a field reads (None: its own name)
_PRIVATE = "fleetgraph.private"  # a `strawberry.Private` field: no GraphQL field, no plan
_FROM_ROW = "fleetgraph.from_row"  # built from the whole row, no column

T = TypeVar("T")


def column(
    name: str | None = None,
    *,
    description: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A GraphQL field read from the row's column `name` (default: the field's name)."""
    return strawberry.field(description=description, metadata={**(metadata or {}), _COLUMN: name})


def private_column(name: str) -> Any:
    """A `strawberry.Private` field read from the row's column `name`."""
    return dataclasses.field(metadata={_COLUMN: name, _PRIVATE: True})


def from_row(build: Callable[[Any], Any], *, description: str | None = None) -> Any:
    """A GraphQL field built from the whole row by `build` (another row type's value);
    its plan is hand-written."""
    return strawberry.field(description=description, metadata={_FROM_ROW: build})


class RowMapped:
    """What `@row_type` gives a class: `of(row)` (typed here, generated there)."""

    @classmethod
    def of(cls, row: Any) -> Self:
        raise NotImplementedError(f"{cls.__name__} is not decorated with @row_type")


@dataclasses.dataclass(frozen=True, slots=True)
class RowField:
    """One data field of a row type, as its declaration says."""

    python_name: str
    graphql_name: str | None  # None: a private field
    column: str | None  # None: built by `build`
    build: Callable[[Any], Any] | None = None


def row_fields(cls: type) -> tuple[RowField, ...]:
    """The data fields of a decorated Strawberry class, in declaration order."""
    found = []
    for field in dataclasses.fields(cls):
        if not field.init or getattr(field, "base_resolver", None) is not None:
            continue
        meta = field.metadata
        build = meta.get(_FROM_ROW)
        graphql = None if meta.get(_PRIVATE) else _graphql_name(field)
        name = None if build is not None else meta.get(_COLUMN) or field.name
        found.append(RowField(field.name, graphql, name, build))
    return tuple(found)


def row_type(cls: type[T]) -> type[T]:
    """Give a Strawberry type (decorated below this) its `of(row)` and its column plans."""
    fields = row_fields(cls)
    env: dict[str, Any] = {}
    arguments = []
    for index, field in enumerate(fields):
        if field.build is not None:
            env[f"b{index}"] = field.build
            arguments.append(f"{field.python_name}=b{index}(row)")
        else:
            assert field.column is not None and field.column.isidentifier(), field
            arguments.append(f"{field.python_name}=row.{field.column}")
    # A class whose row may be missing names its stand-in (`MISSING_ROW`): one test
    # in the generated function, as a hand-written mapping would have.
    missing = getattr(cls, "MISSING_ROW", None)
    env["missing"] = missing
    guard = "" if missing is None else "    if row is None:\n        row = missing\n"
    source = f"def of(cls, row):\n{guard}    return cls({', '.join(arguments)})\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{cls.__name__}.of>", "exec"), env, namespace)
    cls.of = classmethod(namespace["of"])  # type: ignore[attr-defined]
    cls.__row_plans__ = {  # type: ignore[attr-defined]
        field.graphql_name: Attribute(field.column)
        for field in fields
        if field.graphql_name is not None and field.column is not None
    }
    return cls


def column_plans(cls: type) -> FieldPlans:
    """`Attribute(column)` for each column-backed GraphQL field of a `@row_type` class."""
    plans: FieldPlans = cls.__dict__["__row_plans__"]
    return plans


def _graphql_name(field: dataclasses.Field[Any]) -> str:
    """The field's name in the schema (auto camel case, as gql/schema.py configures)."""
    explicit: str | None = getattr(field, "graphql_name", None)
    if explicit:
        return explicit
    head, *rest = field.name.split("_")
    return head + "".join(part.capitalize() for part in rest)
