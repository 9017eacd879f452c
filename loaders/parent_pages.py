"""One parent row and its page of children in ONE statement (PostgreSQL: LATERAL).

`Driver.trips` under `driver(id)`: the driver LEFT JOIN LATERAL its page of
trips, sliced back into the parent row and the child rows (loaders/pages.py
pages many parents at once).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, or_, select, true

from bounded import BoundedLRU
from loaders.base import AnyRow
from loaders.database import Database, row_shapes
from pagination import Page, PageQuery
from pagination.children import POSITION, TOTAL, Children, Columns, fetch_order, laterals

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
    children: Children,
    page: PageQuery,
    *,
    with_totals: bool,
    columns: Columns = None,
) -> ParentWithPage:
    """One parent (at most one row of `parent()`, whose `id` its `children` reference)
    and its page of children in ONE statement: the parent LEFT JOIN LATERAL its page
    (and, when asked, JOIN LATERAL its total) on PostgreSQL. `key` names the parent
    query's shape for the statement cache."""
    assert db.is_postgresql, "LATERAL: PostgreSQL only"
    table = children.table

    def build() -> Select[Any]:
        found = parent().subquery("parent")
        child, total = laterals(children, found.c.id, page, with_totals, numbered=True)
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
        in_order = fetch_order(child, page)
        return select(*selected).select_from(joined.outerjoin(child, true())).order_by(*in_order)

    statement = db.statement(
        ("parent_with_pages", key, children.key, page.shape, with_totals, columns), build
    )
    # Records as they come, sliced once into the parent and its children (no row
    # objects for the joined rows in between).
    rows = await db.fetch_records(statement, {**params, **page.params()})
    if not rows:
        return ParentWithPage(None, page.page([]), None)
    fields: tuple[str, ...] = statement.row_type._fields
    parent_row, found = _splitter(fields)(rows)
    total = rows[0][fields.index(TOTAL)] if with_totals else None
    return ParentWithPage(parent_row, page.page(found), total)


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
