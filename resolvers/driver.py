from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from cache import tags
from context import Context
from global_ids import decode_id_of
from loaders.driver import count_drivers, driver_query, fetch_driver, fetch_driver_page
from loaders.filters import DriverFilterSpec, TripFilterSpec
from loaders.parent_pages import ParentWithPage, fetch_parent_with_pages
from loaders.trip import DRIVER_TRIPS
from loaders.vehicle import VehicleJoin, joined_vehicle
from pagination import Page, PageQuery
from resolvers.deferred import Deferred, chain, ready
from resolvers.season import season_pk


async def driver(context: Context, global_id: str, with_vehicle: bool = False) -> Row[Any] | None:
    """The driver an id names; `with_vehicle` fetches its vehicle in the same statement."""
    pk = decode_id_of(global_id, "Driver")
    if not with_vehicle:
        return await context.loaders.driver_by_id.load(pk)
    row = await fetch_driver(context.db, pk)
    context.loaders.driver_by_id.prime(pk, row)
    if row is not None:
        prime_vehicles(context, [row], "id")
    return row


async def planned_driver(
    context: Context, global_id: str, with_vehicle: VehicleJoin, columns: tuple[str, ...] | None
) -> Row[Any] | None:
    """The driver an id names, as the planner takes it: only `columns` (None: all), its
    vehicle joined in when asked, no loader primed (the planner reads no loader)."""
    pk = decode_id_of(global_id, "Driver")
    return await fetch_driver(context.db, pk, with_vehicle=with_vehicle, columns=columns)


async def planned_driver_with_trips(
    context: Context,
    global_id: str,
    with_vehicle: VehicleJoin,
    columns: tuple[str, ...] | None,
    trips: PageQuery,
    *,
    with_totals: bool,
    trip_columns: tuple[str, ...] | None,
) -> tuple[int, ParentWithPage]:
    """(pk, the driver an id names with its page of trips) in one statement (PostgreSQL):
    `planned_driver`'s row, and `Driver.trips`' page with its total when asked."""
    pk = decode_id_of(global_id, "Driver")
    found = await fetch_parent_with_pages(
        context.db,
        ("driver", with_vehicle, columns),
        lambda: driver_query(with_vehicle, columns),
        {"id": pk},
        DRIVER_TRIPS,
        trips,
        with_totals=with_totals,
        columns=trip_columns,
    )
    return pk, found


async def drivers(
    context: Context,
    query: PageQuery,
    with_vehicle: VehicleJoin = False,
    prime: bool = True,
    columns: tuple[str, ...] | None = None,
) -> Page[Row[Any]]:
    """A page of drivers (`query.filter`: a DriverFilterSpec); `with_vehicle` fetches
    their vehicles in the same statement, handed to the vehicle loader when `prime`
    (the planner reads them off the rows); `columns`: the driver columns the page's
    rows need (None: all)."""
    page = await fetch_driver_page(context.db, query, with_vehicle, columns)
    if with_vehicle and prime:
        prime_vehicles(context, page.rows, "id")
    return page


def prime_vehicles(context: Context, rows: Sequence[Any], driver_id: str) -> None:
    """Hand vehicles joined into `rows` to the by-driver loader (no second statement)."""
    loader = context.loaders.vehicle_by_driver_id
    for row in rows:
        loader.prime(getattr(row, driver_id), joined_vehicle(row))


async def drivers_count(context: Context, spec: DriverFilterSpec | None) -> int:
    return await count_drivers(context.db, spec)


def vehicle(context: Context, driver_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.vehicle_by_driver_id.load(driver_id)


def risk_score(context: Context, driver_id: int) -> Deferred[Row[Any] | None]:
    return context.loaders.latest_risk_score_by_driver_id.load(driver_id)


def trips(context: Context, driver_id: int, query: PageQuery) -> Deferred[Page[Row[Any]]]:
    """A page of the driver's trips (`query.filter`: a TripFilterSpec)."""
    return context.loaders.trip_page_by_driver_id.load((driver_id, query))


def trips_count(context: Context, driver_id: int, spec: TripFilterSpec | None) -> Deferred[int]:
    return context.loaders.trip_count_by_driver_id.load((driver_id, spec))


def stats(context: Context, driver_id: int, season_id: str | None) -> Deferred[Row[Any] | None]:
    def load(pk: int | None) -> Deferred[Row[Any] | None]:
        if pk is None:
            return ready(None)
        return context.loaders.stats_by_driver_season.load((driver_id, pk))

    return chain(season_pk(context, season_id), load)


def rank(
    context: Context, driver_id: int, season_id: str | None, metric: str
) -> Deferred[int | None]:
    def load(pk: int | None) -> Deferred[int | None]:
        if pk is None:
            return ready(None)
        context.reads.add(tags.leaderboard(pk))
        return context.loaders.rank_by_driver.load((driver_id, (pk, metric)))

    return chain(season_pk(context, season_id), load)
