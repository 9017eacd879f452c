from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row

from cache import cache_control
from context import Context
from global_ids import id_encoder
from gql.prefetch.marks import loads
from gql.types.connection import Connection
from gql.types.enums import SafetyEventKind
from gql.types.node import Node
from gql.types.row_fields import column, column_plans, private_column, row_type
from planner.connections import connection_plans, folded_totals
from planner.fields import Arguments, Batched, FieldPlans, global_id
from resolvers import batches
from resolvers import trip as resolve_trip
from resolvers.deferred import then

if TYPE_CHECKING:
    from gql.types.trip import Trip


# Their writes do not report these ids: every response selecting one carries the type tag.
@cache_control(type_tag=True)
@row_type
@strawberry.type
class SafetyEvent(Node):
    pk: strawberry.Private[int] = private_column("id")
    trip_pk: strawberry.Private[int] = private_column("trip_id")
    # The stored text is the member's value: no enum call per row.
    kind: SafetyEventKind
    severity: int = column(description="1 (minor) .. 5 (severe).")
    occurred_at: datetime

    @strawberry.field
    @loads
    def trip(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Trip, strawberry.lazy("gql.types.trip")]:
        from gql.types.trip import Trip

        return then(resolve_trip.trip_by_pk(info.context, self.trip_pk), Trip.required)


@strawberry.type
class SafetyEventConnection(Connection[SafetyEvent]):
    trip_pk: strawberry.Private[int]

    @classmethod
    def node_of(cls, row: Row[Any]) -> SafetyEvent:
        return SafetyEvent.of(row)

    @strawberry.field
    @loads
    def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return then(resolve_trip.safety_events_count(info.context, self.trip_pk), int)


# -- planned executor (planner/)


async def _trips(context: Context, args: Arguments, events: Sequence[Any], _: Any) -> Any:
    return await batches.trips(context, [e.trip_id for e in events])


SAFETY_EVENT_PLANS: FieldPlans = {
    **column_plans(SafetyEvent),
    "id": global_id(id_encoder("SafetyEvent")),
    "trip": Batched(_trips, columns=("trip_id",)),
}


async def _count_events(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    return await batches.safety_event_counts(context, [value.owner for value in values])


SAFETY_EVENT_CONNECTION_PLANS: FieldPlans = connection_plans(
    Batched(_count_events, now=folded_totals)
)
