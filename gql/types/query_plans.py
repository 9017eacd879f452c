"""The Query root's field plans (planner/): every root field, loaded once for the single root.

Apart from the Strawberry type (gql/types/query.py), which answers the same
fields on the reference executor through the same resolvers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from context import Context
from gql.types.driver import DRIVER_PLANS
from gql.types.leaderboard import PlannedLeaderboard
from gql.types.page_queries import driver_page_of, page_window_of, season_page_of, trip_page_of
from gql.types.stats import STATS_PLANS
from gql.types.trip import TRIP_PLANS
from gql.types.vehicle import VEHICLE_PLANS
from loaders.vehicle import VehicleJoin
from planner.columns import connection_columns, object_columns
from planner.connections import Paged
from planner.fields import Arguments, Batched, FieldPlans, Fold
from planner.plan import Selection
from resolvers import driver as resolve_driver
from resolvers import leaderboard as resolve_leaderboard
from resolvers import node as resolve_node
from resolvers import season as resolve_season
from resolvers import trip as resolve_trip


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
    trips = trip_page_of(child_args)
    pk, found = await resolve_driver.planned_driver_with_trips(
        context,
        args["id"],
        vehicle_join([sel.at("vehicle")]),
        object_columns([sel], DRIVER_PLANS),
        trips,
        with_totals=child_sel.has(("totalCount",)),
        trip_columns=connection_columns(child_sel, TRIP_PLANS, trips.ordering.names),
    )
    if found.parent is None:
        return [None], [None]
    return [found.parent], [Paged(found.page, pk, trips.filter, found.total)]


async def _drivers(context: Context, args: Arguments, sel: Selection) -> Any:
    query = driver_page_of(args)
    with_vehicle = vehicle_join(_entry_fields(sel, "vehicle"))
    columns = connection_columns(sel, DRIVER_PLANS, query.ordering.names)
    page = await resolve_driver.drivers(context, query, with_vehicle, prime=False, columns=columns)
    return Paged(page, None, query.filter)


async def _trip(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_trip.trip(context, args["id"])


async def _trips(context: Context, args: Arguments, sel: Selection) -> Any:
    query = trip_page_of(args)
    return Paged(await resolve_trip.trips(context, query), None, query.filter)


async def _season(context: Context, args: Arguments, sel: Selection) -> Any:
    return await resolve_season.season(context, args["id"])


async def _seasons(context: Context, args: Arguments, sel: Selection) -> Any:
    return Paged(await resolve_season.seasons(context, season_page_of(args)))


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
        page_window_of(args),
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
