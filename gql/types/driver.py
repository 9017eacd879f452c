from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.context import Context
from gql.prefetch.marks import loads
from gql.types.connection import Connection
from gql.types.enums import LeaderboardMetric
from gql.types.inputs import TripFilter, TripOrder, trip_order
from gql.types.node import Node
from gql.types.risk_score import RiskScore
from gql.types.stats import DriverStats
from gql.types.trip import TripConnection
from gql.types.vehicle import Vehicle
from loaders.filters import DriverFilterSpec
from resolvers import driver as resolve
from resolvers.deferred import then


def _same(value: int | None) -> int | None:
    return value


@strawberry.type
class Driver(Node):
    pk: strawberry.Private[int]
    private_email: strawberry.Private[str]
    name: str
    region: str
    created_at: datetime

    @classmethod
    def of(cls, row: Row[Any]) -> Driver:
        return cls(
            pk=row.id,
            private_email=row.email,
            name=row.name,
            region=row.region,
            created_at=row.created_at,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Private: only visible to an authenticated admin; null for everyone else."
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
        field, descending = trip_order(order_by)
        page = resolve.trips(
            info.context, self.pk, first, after, last, before, spec, field, descending
        )
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
