from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from cache import Scope, hint, tags
from cache.tags import LEADERBOARD
from context import Context
from global_ids import id_encoder
from gql.prefetch.marks import loads
from gql.types.connection import Connection
from gql.types.enums import LeaderboardMetric
from gql.types.inputs import TripFilter, TripOrder
from gql.types.node import Node
from gql.types.page_queries import trip_page, trip_page_of
from gql.types.risk_score import RiskScore
from gql.types.row_fields import column_plans, private_column, row_type
from gql.types.stats import NO_STATS, DriverStats
from gql.types.trip import TRIP_PLANS, TripConnection
from gql.types.vehicle import Vehicle
from loaders.filters import DriverFilterSpec
from loaders.trip import DRIVER_TRIPS
from loaders.vehicle import joined_vehicle
from planner.connections import connection_plans, paged_children
from planner.fields import Arguments, Batched, Computed, FieldPlans, global_id
from planner.plan import Selection
from resolvers import batches
from resolvers import driver as resolve
from resolvers.deferred import then
from resolvers.season import season_pk


def _same(value: int | None) -> int | None:
    return value


@row_type
@strawberry.type
class Driver(Node):
    pk: strawberry.Private[int] = private_column("id")
    private_email: strawberry.Private[str] = private_column("email")
    name: str
    region: str
    created_at: datetime

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Private: only visible to an authenticated admin; null for everyone else.",
        metadata=hint(scope=Scope.PRIVATE),
    )
    def email(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.private_email if info.context.viewer.is_admin else None

    @strawberry.field
    @loads
    def vehicle(self, info: strawberry.Info[Context, None]) -> Vehicle | None:
        return then(resolve.vehicle(info.context, self.pk), Vehicle.of_optional)

    @strawberry.field(description="Latest risk score, if one was computed.")  # type: ignore[untyped-decorator]
    @loads
    def risk_score(self, info: strawberry.Info[Context, None]) -> RiskScore | None:
        return then(resolve.risk_score(info.context, self.pk), RiskScore.of_optional)

    @strawberry.field
    @loads
    def trips(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TripFilter | None = None,
        order_by: TripOrder | None = None,
    ) -> TripConnection:
        spec = None if filter is None else filter.spec()
        query = trip_page(first, after, last, before, spec, order_by)
        page = resolve.trips(info.context, self.pk, query)
        return then(page, lambda p: TripConnection(page=p, spec=spec, driver_pk=self.pk))

    @strawberry.field
    @loads
    def stats(
        self, info: strawberry.Info[Context, None], season_id: strawberry.ID | None = None
    ) -> DriverStats:
        return then(resolve.stats(info.context, self.pk, season_id), DriverStats.of)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "1-based position on the leaderboard, null when the driver has no trip in the season."
        ),
        metadata=hint(tags=[LEADERBOARD]),
    )
    @loads
    def rank(
        self,
        info: strawberry.Info[Context, None],
        season_id: strawberry.ID | None = None,
        metric: LeaderboardMetric = LeaderboardMetric.SAFETY_SCORE,
    ) -> int | None:
        return then(resolve.rank(info.context, self.pk, season_id, metric.name), _same)


@strawberry.type
class DriverConnection(Connection[Driver]):
    spec: strawberry.Private[DriverFilterSpec | None]

    @classmethod
    def node_of(cls, row: Row[Any]) -> Driver:
        return Driver.of(row)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await resolve.drivers_count(info.context, self.spec)


# -- planned executor (planner/): how each Driver field is obtained, for all drivers at once


def _joined_vehicles(args: Arguments, drivers: Sequence[Any], _: Any) -> Any:
    if hasattr(drivers[0], "vehicle__id"):  # joined into the drivers' statement
        return [joined_vehicle(driver) for driver in drivers]
    return None


async def _vehicles(context: Context, args: Arguments, drivers: Sequence[Any], _: Any) -> Any:
    return await batches.vehicles_of_drivers(context, [d.id for d in drivers])


# `drivers.risk_score`/`risk_level` repeat the latest `risk_scores` row (models/driver.py):
# a selection of only these needs no statement.
_ON_DRIVER_ROW = frozenset({"score", "level", "__typename"})
LatestRisk = namedtuple("LatestRisk", "score level computed_at")


def _risk_scores_on_row(args: Arguments, drivers: Sequence[Any], selection: Selection) -> Any:
    if selection.children.keys() <= _ON_DRIVER_ROW:
        return [
            None if d.risk_score is None else LatestRisk(d.risk_score, d.risk_level, None)
            for d in drivers
        ]
    return None


async def _risk_scores(
    context: Context, args: Arguments, drivers: Sequence[Any], selection: Selection
) -> Any:
    return await batches.latest_risk_scores(context, [d.id for d in drivers])


async def _trips(
    context: Context, args: Arguments, drivers: Sequence[Any], selection: Selection
) -> Any:
    query = trip_page_of(args)
    parents = [d.id for d in drivers]
    return await paged_children(context.db, DRIVER_TRIPS, parents, query, selection, TRIP_PLANS)


async def _stats(context: Context, args: Arguments, drivers: Sequence[Any], _: Any) -> Any:
    pk = await season_pk(context, args.get("seasonId"))
    if pk is None:
        return [NO_STATS] * len(drivers)
    rows = await batches.season_stats(context, [d.id for d in drivers], pk)
    return [NO_STATS if row is None else row for row in rows]


async def _ranks(context: Context, args: Arguments, drivers: Sequence[Any], _: Any) -> Any:
    pk = await season_pk(context, args.get("seasonId"))
    if pk is None:
        return [None] * len(drivers)
    context.reads.add(tags.leaderboard(pk))
    return await batches.ranks(context, [d.id for d in drivers], pk, args["metric"].name)


def _email_for(is_admin: bool) -> Any:
    return (lambda row: row.email) if is_admin else (lambda row: None)


DRIVER_PLANS: FieldPlans = {
    **column_plans(Driver),
    "id": global_id(id_encoder("Driver")),
    "email": Computed(lambda row: None, for_viewer=_email_for, columns=("email",)),
    # The vehicle's own columns come joined in (`vehicle__*`), not from the driver's.
    "vehicle": Batched(_vehicles, columns=("id",), now=_joined_vehicles),
    "riskScore": Batched(
        _risk_scores, columns=("id", "risk_score", "risk_level"), now=_risk_scores_on_row
    ),
    "trips": Batched(_trips, columns=("id",)),
    "stats": Batched(_stats, columns=("id",)),
    "rank": Batched(_ranks, columns=("id",)),
}


async def _count_drivers(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    return [await resolve.drivers_count(context, value.spec) for value in values]


DRIVER_CONNECTION_PLANS: FieldPlans = connection_plans(Batched(_count_drivers))
