"""A child connection's pages for every parent of a level, as the planner takes them.

Shared by the planned `Driver.trips` and `Trip.safetyEvents`: one statement for
all parents (loaders/pages.py), the totals folded in when `totalCount` is
selected, only the columns the selected node fields read (planner/columns.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause

from context import Context
from loaders.pages import NO_FILTER, ChildFilter, child_pages
from pagination import Ordering, PageRequest
from planner.columns import connection_columns
from planner.connections import Paged
from planner.fields import FieldPlans
from planner.plan import Selection


async def paged_children(
    context: Context,
    table: FromClause,
    parent_column: ColumnElement[int],
    parents: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    selection: Selection,
    node_plans: FieldPlans,
    child_filter: ChildFilter = NO_FILTER,
    spec: Any = None,
) -> list[Paged]:
    """One `Paged` per parent key in `parents` (repeats allowed), in order."""
    ids = list(dict.fromkeys(parents))
    pages, totals = await child_pages(
        context.db,
        table,
        parent_column,
        ids,
        ordering,
        request,
        child_filter,
        with_totals=selection.has(("totalCount",)),  # then in the pages' statement
        columns=connection_columns(selection, node_plans, ordering.names),
    )
    found = zip(ids, pages, totals, strict=True)
    by_id = {i: Paged(page, i, spec, count) for i, page, count in found}
    return [by_id[parent] for parent in parents]
