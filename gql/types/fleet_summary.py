from __future__ import annotations

import strawberry

from cache import cache_control
from cache.tags import FLEET_SUMMARY
from gql.context import Context
from gql.types.enums import RiskLevel, SafetyEventKind
from resolvers import fleet_summary as resolve


@strawberry.type
class RiskBucket:
    level: RiskLevel
    drivers: int


@strawberry.type
class SafetyEventCount:
    kind: SafetyEventKind
    count: int


@strawberry.type
class DailyTripActivity:
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
        return [
            DailyTripActivity(day=a.day, trips=a.trips, distance_km=a.distance_km) for a in activity
        ]
