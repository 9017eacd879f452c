"""Pages of children for many parents in ONE statement: the SQL (loaders/pages.py runs it).

PostgreSQL: LATERAL over the array of parent ids (an index seek per parent).
SQLite: ROW_NUMBER() partitioned by parent. Either way the cursor seek and
`limit + 1` apply per parent, and totals come from the same statement when
asked. Only some columns may be read (`Columns`): rows decode what is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from pagination.keyset import limit_of, order_columns
from pagination.query import PageFilter, PageQuery

PARENT = "batch_parent_id"
TOTAL = "batch_total"
POSITION = "page_position"  # a child's place in its page (`laterals(numbered=True)`)
# The child table's columns a page's rows carry (always with `id`); None: all of them.
Columns = tuple[str, ...] | None


@dataclass(frozen=True, eq=False)  # compared by identity: SQL columns overload ==
class Children:
    """A to-many relation: the rows of `table` whose `parent_column` holds a parent's id."""

    table: FromClause
    parent_column: ColumnElement[int]

    @property
    def key(self) -> tuple[str, str | None]:
        """The relation in a statement cache key."""
        return (str(self.parent_column.table), self.parent_column.key)


def lateral_pages(
    children: Children, page: PageQuery, with_totals: bool = False, columns: Columns = None
) -> Select[Any]:
    """LATERAL pages over the `ids` parameter (an array); `with_totals` adds each
    parent's filtered total, LEFT joined so a parent without children still reports
    it (its row carries no child)."""
    parents = (
        func.unnest(bindparam("ids", type_=ARRAY(Integer))).table_valued(PARENT).render_derived()
    )
    child, total = laterals(children, parents.c[PARENT], page, with_totals)
    in_order = fetch_order(child, page)
    selected = child.c if columns is None else [child.c[name] for name in columns]
    query = select(parents.c[PARENT], *selected).order_by(parents.c[PARENT], *in_order)
    if total is None:
        return query.select_from(parents.join(child, true()))
    joined = parents.join(total, true()).outerjoin(child, true())
    return query.add_columns(total.c[TOTAL]).select_from(joined)


def laterals(
    children: Children,
    parent_key: ColumnElement[int],
    page: PageQuery,
    with_totals: bool,
    numbered: bool = False,
) -> tuple[Any, Any]:
    """The LATERAL page of the children of `parent_key`, and its LATERAL filtered total
    when asked (else None): joined before the page, the total is counted once per parent
    (as a scalar subquery in the select list it ran once per output row). `numbered`:
    each child carries its 1-based `POSITION` in the page's fetch order."""
    table, parent_column = children.table, children.parent_column
    ordering, request = page.ordering, page.request
    filters = page.filter_clauses()
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


def fetch_order(child: Any, page: PageQuery) -> list[ColumnElement[Any]]:
    """ORDER BY a LATERAL page's own columns, in fetch order."""
    ordering = page.ordering
    columns = [child.c[name] for name in ordering.names]
    return order_columns(columns, ordering.directions, page.request.backward)


def ranked_pages(
    children: Children,
    match_ids: ColumnElement[bool],
    page: PageQuery,
    with_totals: bool = False,
    columns: Columns = None,
) -> Select[Any]:
    """ROW_NUMBER pages of the parents `match_ids` selects; `with_totals` adds COUNT(*)
    OVER the parent, which is the filtered total only without a cursor (the caller
    counts apart when a cursor is given)."""
    table, parent_column = children.table, children.parent_column
    ordering, request = page.ordering, page.request
    position = func.row_number().over(
        partition_by=parent_column, order_by=ordering.order_by(request)
    )
    selected = table.c if columns is None else [table.c[name] for name in columns]
    query = select(parent_column.label(PARENT), *selected, position.label("batch_position"))
    if with_totals:
        query = query.add_columns(func.count().over(partition_by=parent_column).label(TOTAL))
    ranked = query.where(
        match_ids, *page.filter_clauses(), *ordering.seek_clauses(request)
    ).subquery()
    return (
        select(ranked)
        .where(ranked.c.batch_position <= limit_of(request))
        .order_by(ranked.c[PARENT], ranked.c.batch_position)
    )


def counted_children(
    children: Children, match_ids: ColumnElement[bool], filter: PageFilter | None = None
) -> Select[int, int]:
    """(parent id, count) of the parents `match_ids` selects, under `filter`."""
    parent_column = children.parent_column
    filters = [] if filter is None else filter.clauses()
    return select(parent_column, func.count()).where(match_ids, *filters).group_by(parent_column)
