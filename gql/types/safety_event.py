from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row

from gql.context import Context
from gql.prefetch.marks import loads
from gql.types.enums import SafetyEventKind
from gql.types.node import Node, PageInfo
from pagination import Page
from resolvers import trip as resolve_trip
from resolvers.deferred import then

if TYPE_CHECKING:
    from gql.types.trip import Trip


@strawberry.type
class SafetyEvent(Node):
    pk: strawberry.Private[int]
    trip_pk: strawberry.Private[int]
    kind: SafetyEventKind
    severity: int = strawberry.field(description="1 (minor) .. 5 (severe).")
    occurred_at: datetime

    @classmethod
    def of(cls, row: Row[Any]) -> SafetyEvent:
        return cls(
            pk=row.id,
            trip_pk=row.trip_id,
            kind=row.kind,  # the stored text is the member's value; no enum call per row
            severity=row.severity,
            occurred_at=row.occurred_at,
        )

    @strawberry.field
    @loads
    def trip(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Trip, strawberry.lazy("gql.types.trip")]:
        from gql.types.trip import Trip

        return then(resolve_trip.trip_by_pk(info.context, self.trip_pk), Trip.required)


@strawberry.type
class SafetyEventEdge:
    cursor: str
    node: SafetyEvent


@strawberry.type
class SafetyEventConnection:
    page: strawberry.Private[Page[Row[Any]]]
    trip_pk: strawberry.Private[int]

    @strawberry.field
    def edges(self) -> list[SafetyEventEdge]:
        page = self.page
        return [SafetyEventEdge(cursor=page.cursor(r), node=SafetyEvent.of(r)) for r in page.rows]

    @strawberry.field
    def nodes(self) -> list[SafetyEvent]:
        return [SafetyEvent.of(row) for row in self.page.rows]

    @strawberry.field
    def page_info(self) -> PageInfo:
        return PageInfo.of(self.page)

    @strawberry.field
    @loads
    def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return then(resolve_trip.safety_events_count(info.context, self.trip_pk), int)
