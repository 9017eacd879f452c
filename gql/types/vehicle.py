from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from cache import cache_control
from context import Context
from global_ids import id_encoder
from gql.prefetch.marks import loads
from gql.types.node import Node
from gql.types.row_fields import column, column_plans, private_column, row_type
from planner.fields import Arguments, Batched, FieldPlans, global_id
from resolvers import batches
from resolvers import trip as resolve_trip
from resolvers.deferred import then

if TYPE_CHECKING:
    from gql.types.driver import Driver


# Their writes do not report these ids: every response selecting one carries the type tag.
@cache_control(type_tag=True)
@row_type
@strawberry.type
class Vehicle(Node):
    pk: strawberry.Private[int] = private_column("id")
    driver_pk: strawberry.Private[int | None] = private_column("driver_id")
    make: str
    model: str
    year: int
    plate: str
    vin: str | None = column(description="Vehicle identification number (ISO 3779), if known.")

    @strawberry.field
    @loads
    def driver(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Driver, strawberry.lazy("gql.types.driver")] | None:
        from gql.types.driver import Driver

        if self.driver_pk is None:
            return None
        return then(resolve_trip.driver(info.context, self.driver_pk), Driver.of_optional)


# -- planned executor (planner/)


async def _drivers(context: Context, args: Arguments, vehicles: Sequence[Any], _: Any) -> Any:
    ids = [v.driver_id for v in vehicles if v.driver_id is not None]
    found = iter(await batches.drivers(context, ids) if ids else [])
    return [None if v.driver_id is None else next(found) for v in vehicles]


VEHICLE_PLANS: FieldPlans = {
    **column_plans(Vehicle),
    "id": global_id(id_encoder("Vehicle")),
    "driver": Batched(_drivers),
}
