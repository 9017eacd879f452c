"""The Query root: every read of the public contract."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import strawberry

from cache import Scope, hint
from cache.tags import DRIVER_LIST, SEASON_LIST, TRIP_LIST
from compat.strawberry import raw_info
from context import Context
from gql.prefetch import prefetch
from gql.prefetch.selection import selects
from gql.types.cache_controls import ResponseCacheStats
from gql.types.driver import DRIVER_PLANS, Driver, DriverConnection, trip_page_of
from gql.types.enums import LeaderboardMetric
from gql.types.fleet_summary import FleetSummary
from gql.types.inputs import (
    DriverFilter,
    DriverOrder,
    TripFilter,
    TripOrder,
    driver_filter_of,
    driver_order,
    driver_order_of,
    trip_filter_of,
    trip_order,
    trip_order_of,
)
from gql.types.leaderboard import LeaderboardConnection, PlannedLeaderboard
from gql.types.node import Node
from gql.types.node_types import node_of
from gql.types.season import Season, SeasonConnection
from gql.types.stats import STATS_PLANS
from gql.types.trip import TRIP_PLANS, Trip, TripConnection
from gql.types.vehicle import VEHICLE_PLANS
from loaders.vehicle import VehicleJoin
from planner.columns import connection_columns, object_columns
from planner.connections import Paged
from planner.fields import Arguments, Batched, FieldPlans, Fold
from planner.plan import Selection
from resolvers import cache_controls
from resolvers import driver as resolve_driver
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
        field, descending = driver_order(order_by)
        with_vehicle = selects(raw_info(info), ("nodes", "vehicle"), ("edges", "node", "vehicle"))
        page = await resolve_driver.drivers(
            info.context, first, after, last, before, spec, field, descending, with_vehicle
        )
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
        field, descending = trip_order(order_by)
        page = await resolve_trip.trips(
            info.context, first, after, last, before, spec, field, descending
        )
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
        return SeasonConnection(
            page=await resolve_season.seasons(info.context, first, after, last, before)
        )

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
            info.context, season_id, metric.name, region, first, after, last, before, with_vehicle
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


# -- planned executor (planner/): every root field, loaded once for the single root


def _root(
    load: Callable[[Context, Arguments, Selection], Awaitable[Any]], fold: Fold | None = None
) -> Batched:
    async def batched(context: Context, args: Arguments, roots: Sequence[Any], sel: Any) -> Any:
        return [await load(context, args, sel)]

    return Batched(batched, fold=fold)


def _typed(found: list[tuple[str, Any]]) -> list[tuple[str, Any] | None]:
    return [None if row is None else (type_name, row) for type_name, row in found]


async def _node(context: Context, args: Arguments, sel: Selection) -> Any:
    [found] = _typed(await resolve_node.nodes(context, [args["id"]]))
    return found


async def _nodes(context: Context, args: Arguments, sel: Selection) -> Any:
    return _typed(await resolve_node.nodes(context, list(args["ids"])))


async def _driver(context: Context, args: Arguments, sel: Selection) -> Any:
    columns = object_columns([sel], DRIVER_PLANS)
    with_vehicle = vehicle_join([sel.at("vehicle")])
    return await resolve_driver.planned_driver(context, args["id"], with_vehicle, columns)


async def _driver_with_trips(
    context: Context,
    args: Arguments,
    roots: Sequence[Any],
    sel: Selection,
    child: str,
    child_args: Arguments,
    child_sel: Selection,
) -> tuple[list[Any], list[Any]] | None:
    """`driver(id) { trips }` in one statement (PostgreSQL): the driver, its vehicle
    when selected, and its page of trips (with the total when selected)."""
    if not context.db.is_postgresql:
        return None  # no LATERAL: two statements
    ordering, request, spec = trip_page_of(child_args)
    pk, found = await resolve_driver.planned_driver_with_trips(
        context,
        args["id"],
        vehicle_join([sel.at("vehicle")]),
        object_columns([sel], DRIVER_PLANS),
        ordering,
        request,
        spec,
        with_totals=child_sel.has(("totalCount",)),
        trip_columns=connection_columns(child_sel, TRIP_PLANS, ordering.names),
    )
    if found.parent is None:
        return [None], [None]
    return [found.parent], [Paged(found.page, pk, spec, found.total)]


async def _drivers(context: Context, args: Arguments, sel: Selection) -> Any:
    filter_ = driver_filter_of(args.get("filter"))
    spec = None if filter_ is None else filter_.spec()
    field, descending = driver_order(driver_order_of(args.get("orderBy")))
    with_vehicle = vehicle_join(_entry_fields(sel, "vehicle"))
    page = await resolve_driver.drivers(
        context,
        *_page_args(args),
        spec,
        field,
        descending,
        with_vehicle,
        prime=False,
        columns=lambda ordering: connection_columns(sel, DRIVER_PLANS, ordering.names),
    )
    return Paged(page, None, spec)


async def _trip(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_trip.trip(context, args["id"])


async def _trips(context: Context, args: Arguments, sel: Selection) -> Any:
    filter_ = trip_filter_of(args.get("filter"))
    spec = None if filter_ is None else filter_.spec()
    field, descending = trip_order(trip_order_of(args.get("orderBy")))
    page = await resolve_trip.trips(context, *_page_args(args), spec, field, descending)
    return Paged(page, None, spec)


async def _season(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_season.season(context, args["id"])


async def _seasons(context: Context, args: Arguments, sel: Selection) -> Any:
    return Paged(await resolve_season.seasons(context, *_page_args(args)))


async def _active_season(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_season.active_season(context)


async def _leaderboard(context: Context, args: Arguments, sel: Selection) -> Any:
    metric = args["metric"]
    with_vehicle = vehicle_join(_entry_fields(sel, "driver", "vehicle"))
    season_pk, page = await resolve_leaderboard.leaderboard(
        context,
        args.get("seasonId"),
        metric.name,
        args.get("region"),
        *_page_args(args),
        with_vehicle,
        prime=False,
        driver_columns=object_columns(_entry_fields(sel, "driver"), DRIVER_PLANS),
        stats_columns=object_columns(_entry_fields(sel, "stats"), STATS_PLANS, ("driver_id",)),
    )
    # Ranking the active season: its row is already at hand (the season calendar).
    active = await context.active_season() if args.get("seasonId") is None else None
    return PlannedLeaderboard(page, season_pk, args.get("region"), metric, active)


def vehicle_join(selections: list[Selection | None]) -> VehicleJoin:
    """The vehicle columns a joined vehicle needs: False when it is not selected."""
    if all(selection is None for selection in selections):
        return False
    columns = object_columns(selections, VEHICLE_PLANS)
    return True if columns is None else columns


def _entry_fields(sel: Selection, *path: str) -> list[Selection | None]:
    """What is selected at `path` on a connection's nodes (`nodes` and `edges.node`)."""
    return [sel.at("nodes", *path), sel.at("edges", "node", *path)]


async def _fleet_summary(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_season.season_pk(context, args.get("seasonId"))


def _page_args(args: Arguments) -> tuple[Any, Any, Any, Any]:
    return args.get("first"), args.get("after"), args.get("last"), args.get("before")


QUERY_PLANS: FieldPlans = {
    "node": _root(_node),
    "nodes": _root(_nodes),
    "driver": _root(_driver, Fold(frozenset({"trips"}), _driver_with_trips)),
    "drivers": _root(_drivers),
    "trip": _root(_trip),
    "trips": _root(_trips),
    "season": _root(_season),
    "seasons": _root(_seasons),
    "activeSeason": _root(_active_season),
    "leaderboard": _root(_leaderboard),
    "fleetSummary": _root(_fleet_summary),
}
