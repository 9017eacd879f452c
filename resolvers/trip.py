from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from context import Context
from global_ids import decode_id_of
from loaders.filters import TripFilterSpec
from loaders.orderings import SAFETY_EVENT_ORDERING, trip_ordering
from loaders.trip import count_trips, fetch_trip_page
from pagination import Page, request_page
from resolvers.deferred import Deferred, ready


async def trip(context: Context, global_id: str) -> Row[Any] | None:
    return await context.loaders.trip_by_id.load(decode_id_of(global_id, "Trip"))


async def trips(
    context: Context,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    spec: TripFilterSpec | None,
    order_field: str,
    descending: bool,
) -> Page[Row[Any]]:
    ordering = trip_ordering(order_field, descending)
    request = request_page(ordering, first, after, last, before)
    return await fetch_trip_page(context.db, spec, ordering, request)


async def trips_count(context: Context, spec: TripFilterSpec | None) -> int:
    return await count_trips(context.db, spec)


def driver(context: Context, driver_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.driver_by_id.load(driver_id)


def vehicle(context: Context, vehicle_id: int | None) -> Deferred[Row[Any] | None]:
    if vehicle_id is None:
        return ready(None)
    return context.loaders.vehicle_by_id.load(vehicle_id)


def safety_events(
    context: Context,
    trip_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Deferred[Page[Row[Any]]]:
    request = request_page(SAFETY_EVENT_ORDERING, first, after, last, before)
    return context.loaders.safety_event_page_by_trip_id.load((trip_id, request))


def safety_events_count(context: Context, trip_id: int) -> Deferred[int]:
    return context.loaders.safety_event_count_by_trip_id.load(trip_id)


def trip_by_pk(context: Context, trip_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.trip_by_id.load(trip_id)
