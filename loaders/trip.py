"""Trips: by id, pages per driver (batched across drivers), counts, the fleet page."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import func, select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.database import Database
from loaders.filters import TripFilterSpec
from loaders.pages import ChildFilter, count_children, fetch_child_pages
from models import Trip
from pagination import Ordering, Page, PageRequest, apply_page, make_page, page_params

trips = Trip.__table__

TripPageKey = tuple[int, tuple[TripFilterSpec | None, Ordering, PageRequest]]
TripCountKey = tuple[int, TripFilterSpec | None]


@lru_cache(maxsize=256)  # the same few filters (most often none) on every request
def trip_filter(spec: TripFilterSpec | None) -> ChildFilter:
    spec = spec or TripFilterSpec()
    return ChildFilter(spec.shape, spec.clauses, MappingProxyType(spec.params()))


class TripByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select(trips).where(db.match_ids(trips.c.id))
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


class TripPageByDriverIdLoader(Loader[TripPageKey, Page[AnyRow]]):
    """Key: (driver id, (filter, ordering, page request)); one statement per distinct page shape."""

    async def batch_load_fn(self, keys: Sequence[TripPageKey]) -> list[Page[AnyRow]]:
        pages: dict[TripPageKey, Page[AnyRow]] = {}
        for (spec, ordering, request), driver_ids in group_keys(keys).items():
            found = await fetch_child_pages(
                self.db, trips, trips.c.driver_id, driver_ids, ordering, request, trip_filter(spec)
            )
            for driver_id, page in zip(driver_ids, found, strict=True):
                pages[(driver_id, (spec, ordering, request))] = page
        return [pages[key] for key in keys]


class TripCountByDriverIdLoader(Loader[TripCountKey, int]):
    async def batch_load_fn(self, keys: Sequence[TripCountKey]) -> list[int]:
        counts: dict[TripCountKey, int] = {}
        for spec, driver_ids in group_keys(keys).items():
            found = await count_children(self.db, trips.c.driver_id, driver_ids, trip_filter(spec))
            counts.update({(d, spec): n for d, n in zip(driver_ids, found, strict=True)})
        return [counts[key] for key in keys]


async def fetch_trip_page(
    db: Database, spec: TripFilterSpec | None, ordering: Ordering, request: PageRequest
) -> Page[AnyRow]:
    spec = spec or TripFilterSpec()
    statement = db.statement(
        ("trip_page", spec.shape, ordering, request.shape),
        lambda: apply_page(select(trips).where(*spec.clauses()), ordering, request),
    )
    rows = await db.fetch(statement, {**spec.params(), **page_params(ordering, request)})
    return make_page(rows, ordering, request)


async def count_trips(db: Database, spec: TripFilterSpec | None) -> int:
    spec = spec or TripFilterSpec()
    statement = db.statement(
        ("trip_count", spec.shape),
        lambda: select(func.count()).select_from(trips).where(*spec.clauses()),
    )
    return int((await db.fetch(statement, spec.params()))[0][0])
