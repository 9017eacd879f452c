"""Pages of children for many parents in ONE statement, run (the SQL: pagination/children.py).

Statements are built and compiled once per shape (`PageQuery.shape`, totals or
not, the columns read) and reused with new values.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any

from loaders.base import AnyRow
from loaders.database import Database
from pagination import Page, PageFilter, PageQuery
from pagination.children import (
    PARENT,
    TOTAL,
    Children,
    Columns,
    counted_children,
    lateral_pages,
    ranked_pages,
)


async def _fetch_pages(
    db: Database,
    children: Children,
    parent_ids: Sequence[int],
    page: PageQuery,
    with_totals: bool,
    columns: Columns,
) -> Sequence[Any]:
    """The rows of many parents' pages, from one statement built once per shape."""

    def build() -> Any:
        if db.is_postgresql:
            return lateral_pages(children, page, with_totals, columns)
        match = db.match_ids(children.parent_column)
        return ranked_pages(children, match, page, with_totals, columns)

    key = ("child_pages", children.key, page.shape, with_totals, columns)
    params = {**page.params(), "ids": list(parent_ids)}
    return await db.fetch(db.statement(key, build), params)


async def fetch_child_pages(
    db: Database,
    children: Children,
    parent_ids: Sequence[int],
    page: PageQuery,
    columns: Columns = None,
) -> list[Page[AnyRow]]:
    rows = await _fetch_pages(db, children, parent_ids, page, False, columns)
    # Rows come ordered by parent (both statements sort by it first): group runs.
    grouped = {parent: list(run) for parent, run in groupby(rows, attrgetter(PARENT))}
    return [page.page(grouped.get(parent, ())) for parent in parent_ids]


async def count_children(
    db: Database,
    children: Children,
    parent_ids: Sequence[int],
    filter: PageFilter | None = None,
) -> list[int]:
    shape = () if filter is None else filter.shape
    statement = db.statement(
        ("child_counts", children.key, shape),
        lambda: counted_children(children, db.match_ids(children.parent_column), filter),
    )
    params = {} if filter is None else filter.params()
    rows = await db.fetch(statement, {**params, "ids": list(parent_ids)})
    counts = {r[0]: r[1] for r in map(tuple, rows)}
    return [counts.get(parent_id, 0) for parent_id in parent_ids]


async def fetch_child_pages_with_totals(
    db: Database,
    children: Children,
    parent_ids: Sequence[int],
    page: PageQuery,
    columns: Columns = None,
) -> tuple[list[Page[AnyRow]], list[int]]:
    """Pages and totals (`count_children`) of many parents in ONE statement."""
    request = page.request
    if not db.is_postgresql and (request.after is not None or request.before is not None):
        pages = await fetch_child_pages(db, children, parent_ids, page, columns)
        return pages, await count_children(db, children, parent_ids, page.filter)
    rows = await _fetch_pages(db, children, parent_ids, page, True, columns)
    totals: dict[int, int] = {}
    found: dict[int, list[Any]] = {}
    for row in rows:  # in parent order, so each parent's rows are consecutive
        parent = getattr(row, PARENT)
        if parent not in totals:
            totals[parent] = getattr(row, TOTAL)
            found[parent] = []
        if row.id is not None:  # a parent without children: its LEFT-joined row
            found[parent].append(row)
    pages = [page.page(found.get(parent, ())) for parent in parent_ids]
    return pages, [int(totals.get(parent, 0)) for parent in parent_ids]


async def child_pages(
    db: Database,
    children: Children,
    parent_ids: Sequence[int],
    page: PageQuery,
    *,
    with_totals: bool,
    columns: Columns = None,
) -> tuple[list[Page[AnyRow]], Sequence[int | None]]:
    """Pages of many parents, with their totals in the same statement when asked
    (else a None total per parent); rows of only `columns` when given (must hold
    `id`), else of every column."""
    if with_totals:
        return await fetch_child_pages_with_totals(db, children, parent_ids, page, columns)
    pages = await fetch_child_pages(db, children, parent_ids, page, columns)
    return pages, [None] * len(parent_ids)
