"""Record and delete trips, with their safety events and season aggregates.

Each is one transaction: the trip, its events and every aggregate row it
changes commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from writes.aggregates import TripShare, add_trip, remove_trip
from writes.errors import Code, Problem, Rejected, reject_any
from writes.tables import drivers, safety_events, trips, vehicles
from writes.transaction import transaction
from writes.trip_input import TripSpec

NO_DRIVER = Problem(("driverId",), "no driver has this id", Code.NOT_FOUND)
NO_TRIP = Problem((), "no trip has this id", Code.NOT_FOUND)


@dataclass(frozen=True, slots=True)
class TripWrite:
    """A trip written or deleted, and the seasons whose aggregates that changed."""

    row: Row[Any]
    season_ids: tuple[int, ...]


async def record_trip(engine: AsyncEngine, driver_id: int, spec: TripSpec) -> TripWrite:
    """The new trip, driven in the driver's current vehicle; `Rejected`
    when the trip breaks a rule or the driver does not exist."""
    reject_any(spec.problems())
    async with transaction(engine) as conn:
        found = select(drivers.c.id).where(drivers.c.id == driver_id)
        if (await conn.execute(found)).first() is None:
            raise Rejected([NO_DRIVER])
        vehicle = select(vehicles.c.id).where(vehicles.c.driver_id == driver_id)
        values = {
            "driver_id": driver_id,
            "vehicle_id": (await conn.execute(vehicle)).scalar(),
            "started_at": spec.started_at,
            "ended_at": spec.ended_at,
            "distance_km": spec.distance_km,
            "duration_s": spec.duration_s,
            "safety_score": spec.safety_score,
        }
        row: Row[Any] = (await conn.execute(insert(trips).values(values).returning(trips))).one()
        if spec.events:
            events = [
                {
                    "trip_id": row.id,
                    "kind": e.kind.value,
                    "severity": e.severity,
                    "occurred_at": e.occurred_at,
                }
                for e in spec.events
            ]
            await conn.execute(insert(safety_events), events)
        kinds = (event.kind.value for event in spec.events)
        share = TripShare.of(spec.distance_km, spec.safety_score, kinds)
        season_ids = await add_trip(conn, driver_id, spec.started_at, share)
    return TripWrite(row, tuple(season_ids))


async def delete_trip(engine: AsyncEngine, trip_id: int) -> TripWrite:
    """The deleted trip (its events go with it); `Rejected` when missing."""
    async with transaction(engine) as conn:
        # Read the events before the cascade removes them; a trip's events are
        # written with it and never change, and the DELETE below decides which
        # of two concurrent deletes wins.
        kinds = select(safety_events.c.kind).where(safety_events.c.trip_id == trip_id)
        event_kinds = list((await conn.execute(kinds)).scalars())
        statement = delete(trips).where(trips.c.id == trip_id).returning(trips)
        row = (await conn.execute(statement)).first()
        if row is None:
            raise Rejected([NO_TRIP])
        share = TripShare.of(row.distance_km, row.safety_score, event_kinds)
        season_ids = await remove_trip(conn, row.driver_id, row.started_at, share)
    return TripWrite(row, tuple(season_ids))
