"""Trips: by id, pages per driver (batched across drivers), counts, the fleet page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.database import Database
from loaders.filters import TripFilterSpec
from loaders.pages import count_children, fetch_child_pages
from models import Trip
from pagination import Page, PageQuery
from pagination.children import Children

trips = Trip.__table__
DRIVER_TRIPS = Children(trips, trips.c.driver_id)

TripPageKey = tuple[int, PageQuery]  # (driver id, the page: its filter a TripFilterSpec)
TripCountKey = tuple[int, TripFilterSpec | None]


class TripByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select(trips).where(db.match_ids(trips.c.id))
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


class TripPageByDriverIdLoader(Loader[TripPageKey, Page[AnyRow]]):
    """Key: (driver id, page query); one statement per distinct page query."""

    async def batch_load_fn(self, keys: Sequence[TripPageKey]) -> list[Page[AnyRow]]:
        pages: dict[TripPageKey, Page[AnyRow]] = {}
        for query, driver_ids in group_keys(keys).items():
            found = await fetch_child_pages(self.db, DRIVER_TRIPS, driver_ids, query)
            for driver_id, page in zip(driver_ids, found, strict=True):
                pages[(driver_id, query)] = page
        return [pages[key] for key in keys]


class TripCountByDriverIdLoader(Loader[TripCountKey, int]):
    async def batch_load_fn(self, keys: Sequence[TripCountKey]) -> list[int]:
        counts: dict[TripCountKey, int] = {}
        for spec, driver_ids in group_keys(keys).items():
            found = await count_children(self.db, DRIVER_TRIPS, driver_ids, spec)
            counts.update({(d, spec): n for d, n in zip(driver_ids, found, strict=True)})
        return [counts[key] for key in keys]


async def fetch_trip_page(db: Database, page: PageQuery) -> Page[AnyRow]:
    """A page of the fleet's trips (`page.filter`: a TripFilterSpec)."""
    statement = db.statement(("trip_page", page.shape), lambda: page.apply(select(trips)))
    return page.page(await db.fetch(statement, page.params()))


async def count_trips(db: Database, spec: TripFilterSpec | None) -> int:
    spec = spec or TripFilterSpec()
    statement = db.statement(
        ("trip_count", spec.shape),
        lambda: select(func.count()).select_from(trips).where(*spec.clauses()),
    )
    return int((await db.fetch(statement, spec.params()))[0][0])
