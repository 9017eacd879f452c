"""Plans shared by every Relay connection: edges, nodes, pageInfo over a `Paged`; and
the pages of a child connection for every parent of a level (`paged_children`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loaders.database import Database
from loaders.pages import child_pages
from pagination import Page, PageQuery
from pagination.children import Children
from planner.columns import connection_columns
from planner.fields import Attribute, Batched, Computed, FieldPlan, FieldPlans
from planner.plan import Selection


@dataclass(slots=True, eq=False)  # one per parent of a level: cheap to build (see Page)
class Paged:
    """A connection's value: its page, plus what its `totalCount` is counted by."""

    page: Page[Any] | None  # None: an empty connection with no ordering (no season)
    owner: Any = None  # the parent's key for per-parent counts; None at the root
    spec: Any = None  # the filter the count applies
    total: int | None = None  # the count, when the page's statement carried it


def folded_totals(args: Any, values: Sequence[Paged], selection: Any) -> list[int] | None:
    """`totalCount`'s `now`: the totals every value already carries (folded into its
    page's statement); None when one is missing (a statement must count them)."""
    totals = [value.total for value in values]
    return None if any(total is None for total in totals) else totals  # type: ignore[return-value]


def _edges(value: Paged) -> list[tuple[Page[Any], Any]]:
    page = value.page
    return [] if page is None else [(page, row) for row in page.rows]


def _nodes(value: Paged) -> Any:
    return [] if value.page is None else value.page.rows


@dataclass(frozen=True, slots=True)
class _NoPage:
    rows: tuple[()] = ()
    has_next_page: bool = False
    has_previous_page: bool = False


_NO_PAGE = _NoPage()


def _page_info(value: Paged) -> Any:
    return _NO_PAGE if value.page is None else value.page


def _start_cursor(page: Any) -> str | None:
    return page.cursor(page.rows[0]) if page.rows else None


def _end_cursor(page: Any) -> str | None:
    return page.cursor(page.rows[-1]) if page.rows else None


def connection_plans(total_count: Batched, **more: FieldPlan) -> FieldPlans:
    """The plans of a `...Connection` type whose value is a `Paged`."""
    return {
        "edges": Computed(_edges),
        "nodes": Computed(_nodes),
        "pageInfo": Computed(_page_info),
        "totalCount": total_count,
        **more,
    }


EDGE_PLANS: Mapping[str, FieldPlan] = {
    "cursor": Computed(lambda edge: edge[0].cursor(edge[1])),
    "node": Computed(lambda edge: edge[1]),
}

PAGE_INFO_PLANS: Mapping[str, FieldPlan] = {
    "hasNextPage": Attribute("has_next_page"),
    "hasPreviousPage": Attribute("has_previous_page"),
    "startCursor": Computed(_start_cursor),
    "endCursor": Computed(_end_cursor),
}


async def paged_children(
    db: Database,
    children: Children,
    parents: Sequence[int],
    query: PageQuery,
    selection: Selection,
    node_plans: FieldPlans,
) -> list[Paged]:
    """One `Paged` per parent key in `parents` (repeats allowed), in order: one
    statement for all parents (loaders/pages.py), the totals folded in when
    `totalCount` is selected, only the columns the selected node fields read
    (planner/columns.py). Shared by `Driver.trips` and `Trip.safetyEvents`."""
    ids = list(dict.fromkeys(parents))
    pages, totals = await child_pages(
        db,
        children,
        ids,
        query,
        with_totals=selection.has(("totalCount",)),  # then in the pages' statement
        columns=connection_columns(selection, node_plans, query.ordering.names),
    )
    spec = query.filter
    by_id = {
        i: Paged(page, i, spec, count) for i, page, count in zip(ids, pages, totals, strict=True)
    }
    return [by_id[parent] for parent in parents]
