"""Pages of children for many parents in ONE statement.

PostgreSQL: LATERAL over the array of parent ids (an index seek per parent).
SQLite: ROW_NUMBER() partitioned by parent. Either way the cursor seek and
`limit + 1` apply per parent, and totals are one GROUP BY. The planner may
ask for some columns only (planner/columns.py): rows decode what is read.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, case, func, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from bounded import BoundedLRU
from loaders.base import AnyRow
from loaders.database import Database, row_shapes
from pagination import Ordering, Page, PageRequest, make_page, page_params
from pagination.keyset import limit_of, order_columns

PARENT = "batch_parent_id"
TOTAL = "batch_total"
POSITION = "page_position"  # a child's place in its page (`_laterals(numbered=True)`)
# The child table's columns a page's rows carry (always with `id`); None: all of them.
Columns = tuple[str, ...] | None


@dataclass(frozen=True)
class ChildFilter:
    """Extra WHERE clauses (over bind parameters) for a child connection."""

    shape: Any = ()
    clauses: Callable[[], list[ColumnElement[bool]]] = list
    params: Mapping[str, Any] = field(default_factory=dict)


NO_FILTER = ChildFilter()


def _lateral_pages(
    table: FromClause,
    parent_column: ColumnElement[int],
    child_filter: ChildFilter,
    ordering: Ordering,
    request: PageRequest,
    with_totals: bool = False,
    columns: Columns = None,
) -> Select[Any]:
    """LATERAL pages; `with_totals` adds each parent's filtered total, LEFT joined
    so a parent without children still reports it (its row carries no child)."""
    parents = (
        func.unnest(bindparam("ids", type_=ARRAY(Integer))).table_valued(PARENT).render_derived()
    )
    child, total = _laterals(
        table, parent_column, parents.c[PARENT], child_filter, ordering, request, with_totals
    )
    in_order = order_columns(
        [child.c[name] for name in ordering.names], ordering.directions, request.backward
    )
    selected = child.c if columns is None else [child.c[name] for name in columns]
    query = select(parents.c[PARENT], *selected).order_by(parents.c[PARENT], *in_order)
    if total is None:
        return query.select_from(parents.join(child, true()))
    joined = parents.join(total, true()).outerjoin(child, true())
    return query.add_columns(total.c[TOTAL]).select_from(joined)


def _laterals(
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_key: ColumnElement[int],
    child_filter: ChildFilter,
    ordering: Ordering,
    request: PageRequest,
    with_totals: bool,
    numbered: bool = False,
) -> tuple[Any, Any]:
    """The LATERAL page of the children of `parent_key`, and its LATERAL filtered total
    when asked (else None): joined before the page, the total is counted once per parent
    (as a scalar subquery in the select list it ran once per output row). `numbered`:
    each child carries its 1-based `POSITION` in the page's fetch order."""
    filters = child_filter.clauses()
    position = func.row_number().over(order_by=ordering.order_by(request)).label(POSITION)
    child = (
        select(table, *([position] if numbered else []))
        .where(parent_column == parent_key, *filters, *ordering.seek_clauses(request))
        .order_by(*ordering.order_by(request))
        .limit(limit_of(request))
        .lateral("child")
    )
    if not with_totals:
        return child, None
    total = (
        select(func.count().label(TOTAL))
        .select_from(table)
        .where(parent_column == parent_key, *filters)
        .lateral("total")
    )
    return child, total


def _ranked_pages(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    child_filter: ChildFilter,
    ordering: Ordering,
    request: PageRequest,
    with_totals: bool = False,
    columns: Columns = None,
) -> Select[Any]:
    """ROW_NUMBER pages; `with_totals` adds COUNT(*) OVER the parent, which is the
    filtered total only without a cursor (`fetch_child_pages_with_totals` checks)."""
    position = func.row_number().over(
        partition_by=parent_column, order_by=ordering.order_by(request)
    )
    selected = table.c if columns is None else [table.c[name] for name in columns]
    query = select(parent_column.label(PARENT), *selected, position.label("batch_position"))
    if with_totals:
        query = query.add_columns(func.count().over(partition_by=parent_column).label(TOTAL))
    ranked = query.where(
        db.match_ids(parent_column),
        *child_filter.clauses(),
        *ordering.seek_clauses(request),
    ).subquery()
    return (
        select(ranked)
        .where(ranked.c.batch_position <= limit_of(request))
        .order_by(ranked.c[PARENT], ranked.c.batch_position)
    )


async def _fetch_pages(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    child_filter: ChildFilter,
    with_totals: bool,
    columns: Columns,
) -> Sequence[Any]:
    """The rows of many parents' pages, from one statement built once per shape."""

    def build() -> Select[Any]:
        if db.is_postgresql:
            return _lateral_pages(
                table, parent_column, child_filter, ordering, request, with_totals, columns
            )
        return _ranked_pages(
            db, table, parent_column, child_filter, ordering, request, with_totals, columns
        )

    key = (
        "child_pages",
        str(parent_column.table),
        parent_column.key,
        child_filter.shape,
        ordering,
        request.shape,
        with_totals,
        columns,
    )
    params = {**child_filter.params, **page_params(ordering, request), "ids": list(parent_ids)}
    return await db.fetch(db.statement(key, build), params)


async def fetch_child_pages(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    child_filter: ChildFilter = NO_FILTER,
    columns: Columns = None,
) -> list[Page[AnyRow]]:
    rows = await _fetch_pages(
        db, table, parent_column, parent_ids, ordering, request, child_filter, False, columns
    )
    # Rows come ordered by parent (both statements sort by it first): group runs.
    grouped = {parent: list(run) for parent, run in groupby(rows, attrgetter(PARENT))}
    return [make_page(grouped.get(parent, ()), ordering, request) for parent in parent_ids]


async def count_children(
    db: Database,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    child_filter: ChildFilter = NO_FILTER,
) -> list[int]:
    statement = db.statement(
        ("child_counts", str(parent_column), child_filter.shape),
        lambda: (
            select(parent_column, func.count())
            .where(db.match_ids(parent_column), *child_filter.clauses())
            .group_by(parent_column)
        ),
    )
    rows = await db.fetch(statement, {**child_filter.params, "ids": list(parent_ids)})
    counts = {r[0]: r[1] for r in map(tuple, rows)}
    return [counts.get(parent_id, 0) for parent_id in parent_ids]


async def fetch_child_pages_with_totals(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    child_filter: ChildFilter = NO_FILTER,
    columns: Columns = None,
) -> tuple[list[Page[AnyRow]], list[int]]:
    """Pages and totals (`count_children`) of many parents in ONE statement."""
    if not db.is_postgresql and (request.after is not None or request.before is not None):
        pages = await fetch_child_pages(
            db, table, parent_column, parent_ids, ordering, request, child_filter, columns
        )
        return pages, await count_children(db, parent_column, parent_ids, child_filter)
    rows = await _fetch_pages(
        db, table, parent_column, parent_ids, ordering, request, child_filter, True, columns
    )
    totals: dict[int, int] = {}
    children: dict[int, list[Any]] = {}
    for row in rows:  # in parent order, so each parent's rows are consecutive
        parent = getattr(row, PARENT)
        if parent not in totals:
            totals[parent] = getattr(row, TOTAL)
            children[parent] = []
        if row.id is not None:  # a parent without children: its LEFT-joined row
            children[parent].append(row)
    pages = [make_page(children.get(parent, ()), ordering, request) for parent in parent_ids]
    return pages, [int(totals.get(parent, 0)) for parent in parent_ids]


async def child_pages(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    child_filter: ChildFilter = NO_FILTER,
    *,
    with_totals: bool,
    columns: Columns = None,
) -> tuple[list[Page[AnyRow]], Sequence[int | None]]:
    """Pages of many parents, with their totals in the same statement when asked
    (else a None total per parent); rows of only `columns` when given (must hold
    `id`), else of every column."""
    if with_totals:
        return await fetch_child_pages_with_totals(
            db, table, parent_column, parent_ids, ordering, request, child_filter, columns
        )
    pages = await fetch_child_pages(
        db, table, parent_column, parent_ids, ordering, request, child_filter, columns
    )
    return pages, [None] * len(parent_ids)


CHILD = "child__"  # label prefix of the child columns in `fetch_parent_with_pages`


@dataclass(frozen=True, slots=True)
class ParentWithPage:
    """One parent row and its page of children, from one statement."""

    parent: Any  # None: no such parent
    page: Page[AnyRow]
    total: int | None  # the parent's filtered total, when asked


async def fetch_parent_with_pages(
    db: Database,
    key: Any,
    parent: Callable[[], Select[Any]],
    params: Mapping[str, Any],
    table: FromClause,
    parent_column: ColumnElement[int],
    ordering: Ordering,
    request: PageRequest,
    child_filter: ChildFilter = NO_FILTER,
    *,
    with_totals: bool,
    columns: Columns = None,
) -> ParentWithPage:
    """One parent (at most one row of `parent()`, whose `id` its children reference
    through `parent_column`) and its page of children in ONE statement: the parent
    LEFT JOIN LATERAL its page (and, when asked, JOIN LATERAL its total) on
    PostgreSQL. `key` names the parent query's shape for the statement cache."""
    assert db.is_postgresql, "LATERAL: PostgreSQL only"

    def build() -> Select[Any]:
        found = parent().subquery("parent")
        child, total = _laterals(
            table,
            parent_column,
            found.c.id,
            child_filter,
            ordering,
            request,
            with_totals,
            numbered=True,
        )
        in_order = order_columns(
            [child.c[name] for name in ordering.names], ordering.directions, request.backward
        )
        picked = [child.c[name] for name in (table.c.keys() if columns is None else columns)]
        # The parent's columns on the first row only (NULL on the others): the same
        # values again on every child row cost the client decoding, not the server.
        first = or_(child.c[POSITION] == 1, child.c[POSITION].is_(None))
        selected = [
            *(case((first, column)).label(column.name) for column in found.c),
            *(column.label(CHILD + column.name) for column in picked),
        ]
        joined: Any = found
        if total is not None:
            selected.append(total.c[TOTAL])
            joined = joined.join(total, true())
        return select(*selected).select_from(joined.outerjoin(child, true())).order_by(*in_order)

    shape = (str(parent_column.table), parent_column.key, child_filter.shape, ordering)
    statement = db.statement(
        ("parent_with_pages", key, *shape, request.shape, with_totals, columns), build
    )
    # Records as they come, sliced once into the parent and its children (no row
    # objects for the joined rows in between).
    rows = await db.fetch_records(
        statement, {**params, **child_filter.params, **page_params(ordering, request)}
    )
    if not rows:
        return ParentWithPage(None, make_page([], ordering, request), None)
    fields: tuple[str, ...] = statement.row_type._fields
    parent_row, children = _splitter(fields)(rows)
    total = rows[0][fields.index(TOTAL)] if with_totals else None
    return ParentWithPage(parent_row, make_page(children, ordering, request), total)


Split = Callable[[Sequence[Any]], tuple[Any, list[Any]]]
_SPLITTERS: BoundedLRU[tuple[str, ...], Split] = row_shapes()  # by row shape


def _splitter(fields: tuple[str, ...]) -> Split:
    """Parent row and child rows out of `fetch_parent_with_pages`' joined rows."""
    found = _SPLITTERS.get(fields)
    if found is not None:
        return found
    start = next(i for i, name in enumerate(fields) if name.startswith(CHILD))
    end = start + sum(1 for name in fields if name.startswith(CHILD))
    parent_type = namedtuple("Row", fields[:start])  # type: ignore[misc]
    child_type = namedtuple(  # type: ignore[misc]
        "Row", [name.removeprefix(CHILD) for name in fields[start:end]]
    )
    child_id = fields.index(CHILD + "id")
    new = tuple.__new__

    def split(rows: Sequence[Any]) -> tuple[Any, list[Any]]:
        # A parent without children comes as one row whose child columns are NULL.
        children = [new(child_type, row[start:end]) for row in rows if row[child_id] is not None]
        return new(parent_type, rows[0][:start]), children

    _SPLITTERS.put(fields, split)
    return split
