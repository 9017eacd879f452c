"""Pages of children for many parents in ONE statement.

PostgreSQL: LATERAL over the array of parent ids (an index seek per parent).
SQLite: ROW_NUMBER() partitioned by parent. Either way the cursor seek and
`limit + 1` apply per parent, and totals are one GROUP BY.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Row, func, literal, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from loaders.batch import many_by_key
from loaders.database import Database
from pagination import Ordering, Page, PageRequest, make_page
from pagination.keyset import order_columns

PARENT = "batch_parent_id"


async def fetch_child_pages(
    db: Database,
    table: FromClause,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    filters: Sequence[ColumnElement[bool]],
    ordering: Ordering,
    request: PageRequest,
) -> list[Page[Row[Any]]]:
    where = [*filters, *ordering.seek_clauses(request)]
    order = ordering.order_by(request)
    if db.is_postgresql:
        parents = (
            func.unnest(literal(list(parent_ids), ARRAY(Integer)))
            .table_valued(PARENT)
            .render_derived()
        )
        child = (
            select(table)
            .where(parent_column == parents.c[PARENT], *where)
            .order_by(*order)
            .limit(request.limit + 1)
            .lateral()
        )
        statement = select(parents.c[PARENT], child).select_from(parents.join(child, true()))
        statement = statement.order_by(parents.c[PARENT], *ordering_of(child, ordering, request))
    else:
        position = func.row_number().over(partition_by=parent_column, order_by=order)
        ranked = (
            select(parent_column.label(PARENT), table, position.label("batch_position"))
            .where(parent_column.in_(list(parent_ids)), *where)
            .subquery()
        )
        statement = (
            select(ranked)
            .where(ranked.c.batch_position <= request.limit + 1)
            .order_by(ranked.c[PARENT], ranked.c.batch_position)
        )
    rows = await db.fetch(statement)
    grouped = many_by_key(rows, parent_ids, lambda row: getattr(row, PARENT))
    return [make_page(fetched, ordering, request) for fetched in grouped]


def ordering_of(
    child: FromClause, ordering: Ordering, request: PageRequest
) -> list[ColumnElement[Any]]:
    """The ordering re-expressed over the lateral subquery's columns."""
    columns = [child.c[name] for name in ordering.names]
    return order_columns(columns, ordering.directions, request.backward)


async def count_children(
    db: Database,
    parent_column: ColumnElement[int],
    parent_ids: Sequence[int],
    filters: Sequence[ColumnElement[bool]],
) -> list[int]:
    statement = (
        select(parent_column, func.count())
        .where(db.match_ids(parent_column, parent_ids), *filters)
        .group_by(parent_column)
    )
    counts = {r[0]: r[1] for r in map(tuple, await db.fetch(statement))}
    return [counts.get(parent_id, 0) for parent_id in parent_ids]
