"""The Query root: every read of the public contract (its plans: gql/types/query_plans.py)."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from cache import Scope, hint
from cache.tags import DRIVER_LIST, SEASON_LIST, TRIP_LIST
from compat.strawberry import raw_info
from context import Context
from gql.prefetch import prefetch
from gql.prefetch.selection import selects
from gql.types.cache_controls import ResponseCacheStats
from gql.types.driver import Driver, DriverConnection
from gql.types.enums import LeaderboardMetric
from gql.types.fleet_summary import FleetSummary
from gql.types.import_job import ImportJob, ImportJobConnection, ImportStatus
from gql.types.inputs import DriverFilter, DriverOrder, TripFilter, TripOrder
from gql.types.leaderboard import LeaderboardConnection
from gql.types.node import Node
from gql.types.node_types import node_of
from gql.types.page_queries import driver_page, season_page, trip_page
from gql.types.query_plans import QUERY_PLANS as QUERY_PLANS  # the root's plans, named here too
from gql.types.season import Season, SeasonConnection
from gql.types.trip import Trip, TripConnection
from pagination import PageWindow
from resolvers import cache_controls
from resolvers import driver as resolve_driver
from resolvers import import_jobs as resolve_imports
from resolvers import leaderboard as resolve_leaderboard
from resolvers import node as resolve_node
from resolvers import season as resolve_season
from resolvers import trip as resolve_trip

Info = strawberry.Info[Context, None]
T = TypeVar("T")


async def warmed(info: Info, result: T) -> T:
    """`result`, once every loader its selection needs has been run (see gql/prefetch)."""
    if result is not None:
        await prefetch(raw_info(info), result)
    return result


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        [(type_name, row)] = await resolve_node.nodes(info.context, [id])
        return await warmed(info, node_of(type_name, row))

    @strawberry.field
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        found = await resolve_node.nodes(info.context, list(ids))
        return await warmed(info, [node_of(type_name, row) for type_name, row in found])

    @strawberry.field
    async def driver(self, info: Info, id: strawberry.ID) -> Driver | None:
        with_vehicle = selects(raw_info(info), ("vehicle",))
        row = await resolve_driver.driver(info.context, id, with_vehicle)
        return await warmed(info, None if row is None else Driver.of(row))

    @strawberry.field(metadata=hint(tags=[DRIVER_LIST]))  # type: ignore[untyped-decorator]
    async def drivers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: DriverFilter | None = None,
        order_by: DriverOrder | None = None,
    ) -> DriverConnection:
        spec = None if filter is None else filter.spec()
        query = driver_page(first, after, last, before, spec, order_by)
        with_vehicle = selects(raw_info(info), ("nodes", "vehicle"), ("edges", "node", "vehicle"))
        page = await resolve_driver.drivers(info.context, query, with_vehicle)
        return await warmed(info, DriverConnection(page=page, spec=spec))

    @strawberry.field
    async def trip(self, info: Info, id: strawberry.ID) -> Trip | None:
        row = await resolve_trip.trip(info.context, id)
        return await warmed(info, None if row is None else Trip.of(row))

    @strawberry.field(metadata=hint(tags=[TRIP_LIST]))  # type: ignore[untyped-decorator]
    async def trips(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TripFilter | None = None,
        order_by: TripOrder | None = None,
    ) -> TripConnection:
        spec = None if filter is None else filter.spec()
        query = trip_page(first, after, last, before, spec, order_by)
        page = await resolve_trip.trips(info.context, query)
        return await warmed(info, TripConnection(page=page, spec=spec))

    @strawberry.field
    async def season(self, info: Info, id: strawberry.ID) -> Season | None:
        row = await resolve_season.season(info.context, id)
        return None if row is None else Season.of(row)

    @strawberry.field(metadata=hint(tags=[SEASON_LIST]))  # type: ignore[untyped-decorator]
    async def seasons(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> SeasonConnection:
        query = season_page(first, after, last, before)
        return SeasonConnection(page=await resolve_season.seasons(info.context, query))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The season whose window contains now, if any.",
        metadata=hint(max_age=60),  # which season is active changes with the clock
    )
    async def active_season(self, info: Info) -> Season | None:
        row = await resolve_season.active_season(info.context)
        return None if row is None else Season.of(row)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Drivers ranked by a metric over a season (the active season when seasonId is omitted)."
        )
    )
    async def leaderboard(
        self,
        info: Info,
        season_id: strawberry.ID | None = None,
        metric: LeaderboardMetric = LeaderboardMetric.SAFETY_SCORE,
        region: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> LeaderboardConnection:
        with_vehicle = selects(
            raw_info(info), ("nodes", "driver", "vehicle"), ("edges", "node", "driver", "vehicle")
        )
        season_pk, page = await resolve_leaderboard.leaderboard(
            info.context,
            season_id,
            metric.name,
            region,
            PageWindow(first, after, last, before),
            with_vehicle,
        )
        connection = LeaderboardConnection(
            page=page, season_pk=season_pk, region=region, metric=metric
        )
        return await warmed(info, connection)

    @strawberry.field(description="Fleet-wide aggregates (the admin dashboard).")  # type: ignore[untyped-decorator]
    async def fleet_summary(
        self, info: Info, season_id: strawberry.ID | None = None
    ) -> FleetSummary:
        return FleetSummary(season_pk=await resolve_season.season_pk(info.context, season_id))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The response cache's size and per-operation hit ratios (admins only).",
        metadata=hint(max_age=0, scope=Scope.PRIVATE),  # never cached itself
    )
    async def response_cache_stats(self, info: Info) -> ResponseCacheStats:
        return ResponseCacheStats.of(await cache_controls.stats(info.context))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="A bulk import job (admins only).",
        metadata=hint(max_age=0, scope=Scope.PRIVATE),  # its state changes as it runs
    )
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJob | None:
        row = await resolve_imports.import_job(info.context, id)
        return None if row is None else ImportJob.of(row)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Bulk import jobs, newest first (admins only).",
        metadata=hint(max_age=0, scope=Scope.PRIVATE),
    )
    async def import_jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        status: ImportStatus | None = None,
    ) -> ImportJobConnection:
        window = PageWindow(first, after, last, before)
        found = await resolve_imports.import_jobs(info.context, window, status)
        return ImportJobConnection(page=found.page, total=found.total)
