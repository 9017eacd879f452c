"""Mutation inputs; each converts itself to the plain spec the write side takes."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import strawberry

import writes
from gql.types.enums import SafetyEventKind

T = TypeVar("T")


def _given(value: T | None) -> T | None:
    """None for a field left out (UNSET, so the SDL shows no default) or null."""
    return None if value is strawberry.UNSET else value


@strawberry.input
class VehicleInput:
    make: str
    model: str
    year: int
    plate: str

    def spec(self) -> writes.VehicleSpec:
        return writes.VehicleSpec(self.make, self.model, self.year, self.plate)


def _vehicle_spec(vehicle: VehicleInput | None) -> writes.VehicleSpec | None:
    given = _given(vehicle)
    return None if given is None else given.spec()


@strawberry.input
class CreateDriverInput:
    name: str
    email: str
    region: str
    vehicle: VehicleInput | None = strawberry.UNSET

    def spec(self) -> writes.DriverSpec:
        return writes.DriverSpec(self.name, self.email, self.region, _vehicle_spec(self.vehicle))


@strawberry.input
class UpdateDriverInput:
    """Fields left out (or null) keep their value; `vehicle` replaces the driver's vehicle."""

    id: strawberry.ID
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    vehicle: VehicleInput | None = strawberry.UNSET

    def spec(self) -> writes.DriverSpec:
        return writes.DriverSpec(
            _given(self.name), _given(self.email), _given(self.region), _vehicle_spec(self.vehicle)
        )


@strawberry.input
class SafetyEventInput:
    kind: SafetyEventKind
    severity: int
    occurred_at: datetime

    def spec(self) -> writes.EventSpec:
        return writes.EventSpec(self.kind, self.severity, self.occurred_at)


@strawberry.input
class RecordTripInput:
    driver_id: strawberry.ID
    started_at: datetime
    ended_at: datetime
    distance_km: float
    safety_score: int
    safety_events: list[SafetyEventInput] = strawberry.field(default_factory=list)
    external_id: str | None = strawberry.field(
        default=strawberry.UNSET,
        description=(
            "Idempotency key, unique per driver (1..128 characters): a retry with the same "
            "key and input returns the trip recorded first and records nothing; the same "
            "key with other input is refused (EXTERNAL_ID_REUSED)."
        ),
    )

    def spec(self) -> writes.TripSpec:
        return writes.TripSpec(
            started_at=self.started_at,
            ended_at=self.ended_at,
            distance_km=self.distance_km,
            safety_score=self.safety_score,
            events=tuple(event.spec() for event in self.safety_events),
            external_id=_given(self.external_id),
        )
