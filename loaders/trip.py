"""Trips: by id, pages per driver (batched across drivers), counts, the fleet page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.database import Database
from loaders.filters import TripFilterSpec
from loaders.pages import count_children, fetch_child_pages
from models import Trip
from pagination import Ordering, Page, PageRequest, apply_page, make_page

trips = Trip.__table__

TripPageKey = tuple[int, tuple[TripFilterSpec | None, Ordering, PageRequest]]
TripCountKey = tuple[int, TripFilterSpec | None]


def trip_filters(spec: TripFilterSpec | None) -> list[ColumnElement[bool]]:
    if spec is None:
        return []
    clauses: list[ColumnElement[bool]] = []
    if spec.started_after is not None:
        clauses.append(trips.c.started_at >= spec.started_after)
    if spec.started_before is not None:
        clauses.append(trips.c.started_at < spec.started_before)
    if spec.min_distance_km is not None:
        clauses.append(trips.c.distance_km >= spec.min_distance_km)
    return clauses


class TripByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        rows = await self.db.fetch(select(trips).where(self.db.match_ids(trips.c.id, ids)))
        return one_by_key(rows, ids, lambda row: row.id)


class TripPageByDriverIdLoader(Loader[TripPageKey, Page[AnyRow]]):
    """Key: (driver id, (filter, ordering, page request)); one statement per distinct page shape."""

    async def batch_load_fn(self, keys: Sequence[TripPageKey]) -> list[Page[AnyRow]]:
        pages: dict[TripPageKey, Page[AnyRow]] = {}
        for (spec, ordering, request), driver_ids in group_keys(keys).items():
            found = await fetch_child_pages(
                self.db,
                trips,
                trips.c.driver_id,
                driver_ids,
                trip_filters(spec),
                ordering,
                request,
            )
            for driver_id, page in zip(driver_ids, found, strict=True):
                pages[(driver_id, (spec, ordering, request))] = page
        return [pages[key] for key in keys]


class TripCountByDriverIdLoader(Loader[TripCountKey, int]):
    async def batch_load_fn(self, keys: Sequence[TripCountKey]) -> list[int]:
        counts: dict[TripCountKey, int] = {}
        for spec, driver_ids in group_keys(keys).items():
            found = await count_children(self.db, trips.c.driver_id, driver_ids, trip_filters(spec))
            counts.update({(d, spec): n for d, n in zip(driver_ids, found, strict=True)})
        return [counts[key] for key in keys]


async def fetch_trip_page(
    db: Database, spec: TripFilterSpec | None, ordering: Ordering, request: PageRequest
) -> Page[AnyRow]:
    query = apply_page(select(trips).where(*trip_filters(spec)), ordering, request)
    return make_page(await db.fetch(query), ordering, request)


async def count_trips(db: Database, spec: TripFilterSpec | None) -> int:
    query = select(func.count()).select_from(trips).where(*trip_filters(spec))
    return int((await db.fetch(query))[0][0])
