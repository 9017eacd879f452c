"""Keyset ordering, the seek predicate, and a page of rows with PageInfo facts.

Every ordering ends with the primary key in the same direction as the sort
key, so (key..., id) is a total order: ties never duplicate or skip a row,
and the seek is one row-value comparison that an index on (key..., id) serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, literal_column, or_, tuple_

from pagination.args import PageRequest
from pagination.cursor import decode_cursor, encode_cursor

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Ordering:
    """One way to order a connection.

    `columns` are the SQL sort expressions ending with the primary key;
    `names` are the labels under which each appears in a fetched row (the
    cursor is built from them); `kinds` type the decoded cursor values.
    `descending` is one flag for all columns, or one per column (e.g. a
    leaderboard: value descending, ties by driver id ascending).
    """

    tag: str
    columns: tuple[ColumnElement[Any], ...]
    names: tuple[str, ...]
    kinds: tuple[type, ...]
    descending: bool | tuple[bool, ...]

    @property
    def directions(self) -> tuple[bool, ...]:
        if isinstance(self.descending, bool):
            return (self.descending,) * len(self.columns)
        return self.descending

    def decode(self, cursor: str | None) -> tuple[Any, ...] | None:
        return None if cursor is None else decode_cursor(self.tag, cursor, self.kinds)

    def cursor_for(self, row: Any) -> str:
        return encode_cursor(self.tag, [getattr(row, name) for name in self.names])

    def seek_clauses(self, request: PageRequest) -> list[ColumnElement[bool]]:
        """WHERE clauses for the cursors, as bind parameters (see `seek_params`).

        The statement depends only on the request's shape, so it is built
        and compiled once per shape and reused with new values.
        """
        clauses: list[ColumnElement[bool]] = []
        if request.after is not None:
            clauses.append(self._beyond("after", forward=True))
        if request.before is not None:
            clauses.append(self._beyond("before", forward=False))
        return clauses

    def seek_params(self, request: PageRequest) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for prefix, bound in (("after", request.after), ("before", request.before)):
            if bound is not None:
                params.update({f"{prefix}_{i}": value for i, value in enumerate(bound)})
        return params

    def _beyond(self, prefix: str, *, forward: bool) -> ColumnElement[bool]:
        """Rows strictly after the bound in this order (or strictly before it)."""
        bound = [
            bindparam(f"{prefix}_{i}", type_=column.type) for i, column in enumerate(self.columns)
        ]
        if isinstance(self.descending, bool):
            key, value = tuple_(*self.columns), tuple_(*bound)
            return key > value if self.descending != forward else key < value
        # Mixed directions: (a ≻ x) OR (a = x AND b ≻ y) ...
        alternatives: list[ColumnElement[bool]] = []
        for i, (column, descending) in enumerate(zip(self.columns, self.directions, strict=True)):
            equal = [c == v for c, v in zip(self.columns[:i], bound[:i], strict=True)]
            after = column < bound[i] if descending == forward else column > bound[i]
            alternatives.append(and_(*equal, after))
        return or_(*alternatives)

    def order_by(self, request: PageRequest) -> list[ColumnElement[Any]]:
        """ORDER BY in fetch order: reversed when paging backward."""
        return order_columns(self.columns, self.directions, request.backward)


def order_columns(
    columns: Sequence[ColumnElement[Any]], directions: Sequence[bool], backward: bool
) -> list[ColumnElement[Any]]:
    return [
        column.desc() if descending != backward else column.asc()
        for column, descending in zip(columns, directions, strict=True)
    ]


def limit_of(request: PageRequest) -> ColumnElement[int]:
    """`limit + 1` (the extra row answers has-more), written into the statement.

    As a parameter, PostgreSQL's generic plan of the prepared statement assumes
    a LIMIT of a tenth of the rows, looks far dearer than a custom plan, and so
    every execution is planned again (~0.2-1 ms of server CPU on the bench's
    pages). Written in, the generic plan costs what a custom one does and is
    kept. The size is part of `PageRequest.shape` (at most MAX_PAGE_SIZE + 1
    statements per shape) and a validated int, never text from a client.
    """
    return literal_column(str(int(request.limit) + 1), Integer)


def apply_page(query: Select[Any], ordering: Ordering, request: PageRequest) -> Select[Any]:
    """Seek, order and fetch `limit + 1` rows (the extra row answers has-more).

    Cursor values are bind parameters: pass `page_params(ordering, request)`.
    """
    return (
        query.where(*ordering.seek_clauses(request))
        .order_by(*ordering.order_by(request))
        .limit(limit_of(request))
    )


def page_params(ordering: Ordering, request: PageRequest) -> dict[str, Any]:
    return ordering.seek_params(request)


# Not frozen: built for every parent of a level (a frozen dataclass's __init__ sets each
# field through object.__setattr__, twice the cost); nothing mutates a page.
@dataclass(slots=True, eq=False)
class Page(Generic[RowT]):
    rows: Sequence[RowT]
    has_next_page: bool
    has_previous_page: bool
    ordering: Ordering

    def cursor(self, row: RowT) -> str:
        return self.ordering.cursor_for(row)


def make_page(fetched: Sequence[RowT], ordering: Ordering, request: PageRequest) -> Page[RowT]:
    """Turn `limit + 1` fetched rows (in fetch order) into a page in display order.

    The far side is exact (the extra row); the near side is true when a cursor
    was given, since the cursor's own row lies on that side (Relay allows
    this; it is exact unless that row was deleted meanwhile).
    """
    more = len(fetched) > request.limit
    rows = list(fetched[: request.limit])
    if request.backward:
        rows.reverse()
        has_next, has_previous = request.before is not None, more
    else:
        has_next, has_previous = more, request.after is not None
    if request.trim_last is not None:
        has_previous = has_previous or len(rows) > request.trim_last
        rows = rows[len(rows) - request.trim_last :] if request.trim_last else []
    return Page(rows, has_next, has_previous, ordering)
