from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from context import Context
from global_ids import decode_id_of
from loaders.filters import TripFilterSpec
from loaders.trip import count_trips, fetch_trip_page
from pagination import Page, PageQuery
from resolvers.deferred import Deferred, ready


async def trip(context: Context, global_id: str) -> Row[Any] | None:
    return await context.loaders.trip_by_id.load(decode_id_of(global_id, "Trip"))


async def trips(context: Context, query: PageQuery) -> Page[Row[Any]]:
    """A page of the fleet's trips (`query.filter`: a TripFilterSpec)."""
    return await fetch_trip_page(context.db, query)


async def trips_count(context: Context, spec: TripFilterSpec | None) -> int:
    return await count_trips(context.db, spec)


def driver(context: Context, driver_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.driver_by_id.load(driver_id)


def vehicle(context: Context, vehicle_id: int | None) -> Deferred[Row[Any] | None]:
    if vehicle_id is None:
        return ready(None)
    return context.loaders.vehicle_by_id.load(vehicle_id)


def safety_events(context: Context, trip_id: int, query: PageQuery) -> Deferred[Page[Row[Any]]]:
    return context.loaders.safety_event_page_by_trip_id.load((trip_id, query))


def safety_events_count(context: Context, trip_id: int) -> Deferred[int]:
    return context.loaders.safety_event_count_by_trip_id.load(trip_id)


def trip_by_pk(context: Context, trip_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.trip_by_id.load(trip_id)
