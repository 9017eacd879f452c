from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from operator import itemgetter
from typing import Any

import strawberry

from cache import cache_control
from cache.tags import FLEET_SUMMARY
from context import Context
from gql.types.enums import RiskLevel, SafetyEventKind
from gql.types.row_fields import RowMapped, column_plans, row_type
from planner.fields import Arguments, Batched, Computed, FieldPlans
from resolvers import fleet_summary as resolve


@strawberry.type
class RiskBucket:
    level: RiskLevel
    drivers: int


@strawberry.type
class SafetyEventCount:
    kind: SafetyEventKind
    count: int


@row_type
@strawberry.type
class DailyTripActivity(RowMapped):
    day: str
    trips: int
    distance_km: float


@cache_control(max_age=30, tags=[FLEET_SUMMARY])
@strawberry.type(description="Fleet-wide aggregates (the admin dashboard).")
class FleetSummary:
    """Driver figures cover the whole fleet; trip figures the season (active by default)."""

    season_pk: strawberry.Private[int | None]

    @strawberry.field
    async def drivers(self, info: strawberry.Info[Context, None]) -> int:
        return (await resolve.driver_totals(info.context)).drivers

    @strawberry.field
    async def trips(self, info: strawberry.Info[Context, None]) -> int:
        return (await resolve.season_totals(info.context, self.season_pk)).trips

    @strawberry.field
    async def distance_km(self, info: strawberry.Info[Context, None]) -> float:
        return (await resolve.season_totals(info.context, self.season_pk)).distance_km

    @strawberry.field
    async def average_risk_score(self, info: strawberry.Info[Context, None]) -> float | None:
        return (await resolve.driver_totals(info.context)).average_risk_score

    @strawberry.field
    async def risk_distribution(self, info: strawberry.Info[Context, None]) -> list[RiskBucket]:
        totals = await resolve.driver_totals(info.context)
        return [RiskBucket(level=RiskLevel(lv), drivers=n) for lv, n in totals.risk_distribution]

    @strawberry.field
    async def safety_event_breakdown(
        self, info: strawberry.Info[Context, None]
    ) -> list[SafetyEventCount]:
        totals = await resolve.season_totals(info.context, self.season_pk)
        return [
            SafetyEventCount(kind=SafetyEventKind(kind), count=n)
            for kind, n in totals.events_by_kind
        ]

    @strawberry.field
    async def trip_activity(
        self, info: strawberry.Info[Context, None], days: int = 7
    ) -> list[DailyTripActivity]:
        activity = await resolve.trip_activity(info.context, days)
        return [DailyTripActivity.of(a) for a in activity]


# -- planned executor (planner/): the value of a FleetSummary is its season's pk


def _per_summary(
    read: Callable[[Context, int | None], Awaitable[Any]],
) -> Batched:
    async def load(context: Context, args: Arguments, pks: Sequence[Any], _: Any) -> Any:
        return [await read(context, pk) for pk in pks]

    return Batched(load)


async def _drivers(context: Context, pk: int | None) -> Any:
    return (await resolve.driver_totals(context)).drivers


async def _trips(context: Context, pk: int | None) -> Any:
    return (await resolve.season_totals(context, pk)).trips


async def _distance(context: Context, pk: int | None) -> Any:
    return (await resolve.season_totals(context, pk)).distance_km


async def _average_risk(context: Context, pk: int | None) -> Any:
    return (await resolve.driver_totals(context)).average_risk_score


async def _risk_buckets(context: Context, pk: int | None) -> Any:
    return (await resolve.driver_totals(context)).risk_distribution


async def _event_counts(context: Context, pk: int | None) -> Any:
    return (await resolve.season_totals(context, pk)).events_by_kind


async def _activity(context: Context, args: Arguments, pks: Sequence[Any], _: Any) -> Any:
    return [await resolve.trip_activity(context, args["days"]) for _pk in pks]


FLEET_SUMMARY_PLANS: FieldPlans = {
    "drivers": _per_summary(_drivers),
    "trips": _per_summary(_trips),
    "distanceKm": _per_summary(_distance),
    "averageRiskScore": _per_summary(_average_risk),
    "riskDistribution": _per_summary(_risk_buckets),
    "safetyEventBreakdown": _per_summary(_event_counts),
    "tripActivity": Batched(_activity),
}
# (level, drivers) and (kind, count) pairs, as the loaders return them.
RISK_BUCKET_PLANS: FieldPlans = {
    "level": Computed(itemgetter(0)),
    "drivers": Computed(itemgetter(1)),
}
SAFETY_EVENT_COUNT_PLANS: FieldPlans = {
    "kind": Computed(itemgetter(0)),
    "count": Computed(itemgetter(1)),
}
DAILY_TRIP_ACTIVITY_PLANS: FieldPlans = column_plans(DailyTripActivity)
