"""Input types; each converts itself to a plain loader spec."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from gql.types.enums import DriverOrderField, OrderDirection, RiskLevel, TripOrderField
from loaders.filters import DriverFilterSpec, TripFilterSpec
from resolvers import arguments


@strawberry.input
class DriverFilter:
    region: str | None = None
    name_contains: str | None = None
    risk_level: RiskLevel | None = None

    def spec(self) -> DriverFilterSpec:
        level = None if self.risk_level is None else self.risk_level.value
        return DriverFilterSpec(
            arguments.text("filter.region", self.region),
            arguments.text("filter.nameContains", self.name_contains),
            level,
        )


@strawberry.input
class DriverOrder:
    field: DriverOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class TripFilter:
    started_after: datetime | None = None
    started_before: datetime | None = None
    min_distance_km: float | None = None

    def spec(self) -> TripFilterSpec:
        return TripFilterSpec(
            arguments.instant("filter.startedAfter", self.started_after),
            arguments.instant("filter.startedBefore", self.started_before),
            self.min_distance_km,
        )


@strawberry.input
class TripOrder:
    field: TripOrderField
    direction: OrderDirection = OrderDirection.DESC


def driver_order(order: DriverOrder | None) -> tuple[str, bool]:
    """(field, descending); by id ascending when no order is given."""
    if order is None:
        return "ID", False
    return order.field.value, order.direction is OrderDirection.DESC


def trip_order(order: TripOrder | None) -> tuple[str, bool]:
    """(field, descending); newest first when no order is given."""
    if order is None:
        return "STARTED_AT", True
    return order.field.value, order.direction is OrderDirection.DESC


# Coerced argument values (GraphQL names, as graphql-core hands them to the planner).


def driver_filter_of(value: dict[str, Any] | None) -> DriverFilter | None:
    if value is None:
        return None
    return DriverFilter(
        region=value.get("region"),
        name_contains=value.get("nameContains"),
        risk_level=value.get("riskLevel"),
    )


def trip_filter_of(value: dict[str, Any] | None) -> TripFilter | None:
    if value is None:
        return None
    return TripFilter(
        started_after=value.get("startedAfter"),
        started_before=value.get("startedBefore"),
        min_distance_km=value.get("minDistanceKm"),
    )


def driver_order_of(value: dict[str, Any] | None) -> DriverOrder | None:
    return None if value is None else DriverOrder(**_order_fields(value))


def trip_order_of(value: dict[str, Any] | None) -> TripOrder | None:
    return None if value is None else TripOrder(**_order_fields(value))


def _order_fields(value: dict[str, Any]) -> dict[str, Any]:
    return {"field": value["field"], "direction": value["direction"]}
