from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row

from gql.context import Context
from gql.prefetch.marks import loads
from gql.types.node import Node
from resolvers import trip as resolve_trip
from resolvers.deferred import then

if TYPE_CHECKING:
    from gql.types.driver import Driver


@strawberry.type
class Vehicle(Node):
    pk: strawberry.Private[int]
    driver_pk: strawberry.Private[int | None]
    make: str
    model: str
    year: int
    plate: str

    @classmethod
    def of(cls, row: Row[Any]) -> Vehicle:
        return cls(
            pk=row.id,
            driver_pk=row.driver_id,
            make=row.make,
            model=row.model,
            year=row.year,
            plate=row.plate,
        )

    @strawberry.field
    @loads
    def driver(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Driver, strawberry.lazy("gql.types.driver")] | None:
        from gql.types.driver import Driver

        if self.driver_pk is None:
            return None
        return then(resolve_trip.driver(info.context, self.driver_pk), Driver.of_optional)
