from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row

from cache import Scope, hint
from context import Context
from global_ids import id_encoder
from gql.prefetch.marks import loads
from gql.types.connection import Connection
from gql.types.node import Node
from gql.types.page_queries import safety_event_page, safety_event_page_of
from gql.types.row_fields import column, column_plans, private_column, row_type
from gql.types.safety_event import SAFETY_EVENT_PLANS, SafetyEventConnection
from gql.types.vehicle import Vehicle
from loaders.filters import TripFilterSpec
from loaders.safety_event import TRIP_EVENTS
from planner.connections import connection_plans, folded_totals, paged_children
from planner.fields import Arguments, Batched, Computed, FieldPlans, global_id
from planner.plan import Selection
from resolvers import batches
from resolvers import driver as resolve_driver
from resolvers import trip as resolve
from resolvers.deferred import then

if TYPE_CHECKING:
    from gql.types.driver import Driver


@row_type
@strawberry.type
class Trip(Node):
    pk: strawberry.Private[int] = private_column("id")
    driver_pk: strawberry.Private[int] = private_column("driver_id")
    vehicle_pk: strawberry.Private[int | None] = private_column("vehicle_id")
    private_external_id: strawberry.Private[str | None] = private_column("external_id")
    started_at: datetime
    ended_at: datetime
    distance_km: float
    duration_seconds: int = column("duration_s")
    safety_score: int = column(description="0..100, higher is safer.")

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The idempotency key the trip was recorded with (RecordTripInput.externalId). "
            "Private: only visible to an authenticated admin; null for everyone else."
        ),
        metadata=hint(scope=Scope.PRIVATE),
    )
    def external_id(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.private_external_id if info.context.viewer.is_admin else None

    @strawberry.field
    @loads
    def driver(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Driver, strawberry.lazy("gql.types.driver")]:
        from gql.types.driver import Driver

        return then(resolve.driver(info.context, self.driver_pk), Driver.required)

    @strawberry.field
    @loads
    def vehicle(self, info: strawberry.Info[Context, None]) -> Vehicle | None:
        return then(resolve.vehicle(info.context, self.vehicle_pk), Vehicle.of_optional)

    @strawberry.field
    @loads
    def safety_events(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> SafetyEventConnection:
        query = safety_event_page(first, after, last, before)
        page = resolve.safety_events(info.context, self.pk, query)
        return then(page, lambda p: SafetyEventConnection(page=p, trip_pk=self.pk))


@strawberry.type
class TripConnection(Connection[Trip]):
    """Trips of one driver (`driver_pk` set) or of the whole fleet."""

    spec: strawberry.Private[TripFilterSpec | None]
    driver_pk: strawberry.Private[int | None] = None

    @classmethod
    def node_of(cls, row: Row[Any]) -> Trip:
        return Trip.of(row)

    @strawberry.field
    @loads
    def total_count(self, info: strawberry.Info[Context, None]) -> int:
        if self.driver_pk is None:
            return resolve.trips_count(info.context, self.spec)  # type: ignore[return-value]
        return then(resolve_driver.trips_count(info.context, self.driver_pk, self.spec), int)


# -- planned executor (planner/): how each Trip field is obtained, for all trips at once


async def _drivers(context: Context, args: Arguments, trips: Sequence[Any], _: Any) -> Any:
    return await batches.drivers(context, [t.driver_id for t in trips])


async def _vehicles(context: Context, args: Arguments, trips: Sequence[Any], _: Any) -> Any:
    ids = [t.vehicle_id for t in trips if t.vehicle_id is not None]
    found = iter(await batches.vehicles(context, ids) if ids else [])
    return [None if t.vehicle_id is None else next(found) for t in trips]


async def _events(
    context: Context, args: Arguments, trips: Sequence[Any], selection: Selection
) -> Any:
    query = safety_event_page_of(args)
    parents = [t.id for t in trips]
    return await paged_children(
        context.db, TRIP_EVENTS, parents, query, selection, SAFETY_EVENT_PLANS
    )


def _external_id_for(is_admin: bool) -> Any:
    return (lambda row: row.external_id) if is_admin else (lambda row: None)


TRIP_PLANS: FieldPlans = {
    **column_plans(Trip),
    "id": global_id(id_encoder("Trip")),
    "driver": Batched(_drivers, columns=("driver_id",)),
    "vehicle": Batched(_vehicles, columns=("vehicle_id",)),
    "externalId": Computed(lambda row: None, for_viewer=_external_id_for, columns=("external_id",)),
    "safetyEvents": Batched(_events, columns=("id",)),
}


async def _count_trips(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    if values and values[0].owner is None:  # the fleet's `trips`, at the root
        return [await resolve.trips_count(context, value.spec) for value in values]
    return await batches.trip_counts(context, [(value.owner, value.spec) for value in values])


TRIP_CONNECTION_PLANS: FieldPlans = connection_plans(Batched(_count_trips, now=folded_totals))
