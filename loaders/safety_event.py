"""Safety events: by id, pages per trip (batched across trips), counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.pages import count_children, fetch_child_pages
from models import SafetyEvent
from pagination import Page, PageQuery
from pagination.children import Children

safety_events = SafetyEvent.__table__
TRIP_EVENTS = Children(safety_events, safety_events.c.trip_id)

EventPageKey = tuple[int, PageQuery]  # (trip id, the page)


class SafetyEventByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__,
            lambda: select(safety_events).where(db.match_ids(safety_events.c.id)),
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


class SafetyEventPageByTripIdLoader(Loader[EventPageKey, Page[AnyRow]]):
    async def batch_load_fn(self, keys: Sequence[EventPageKey]) -> list[Page[AnyRow]]:
        pages: dict[EventPageKey, Page[AnyRow]] = {}
        for query, trip_ids in group_keys(keys).items():
            found = await fetch_child_pages(self.db, TRIP_EVENTS, trip_ids, query)
            pages.update({(t, query): p for t, p in zip(trip_ids, found, strict=True)})
        return [pages[key] for key in keys]


class SafetyEventCountByTripIdLoader(Loader[int, int]):
    async def batch_load_fn(self, trip_ids: Sequence[int]) -> list[int]:
        return await count_children(self.db, TRIP_EVENTS, trip_ids)
