"""Record and delete trips, with their safety events and season aggregates.

Each is one transaction: the trip, its events and every aggregate row it
changes commit together or not at all.

Recording is idempotent per `external_id` (the client's key, unique per
driver): a request that repeats a recorded trip's key with the same input
gets that trip back and writes nothing, one with other input is refused
(EXTERNAL_ID_REUSED). Two requests with one key racing each other are
decided by the unique index on (driver_id, external_id): the loser's
`INSERT ... ON CONFLICT DO NOTHING` waits for the winner's transaction and
inserts nothing, and the loser then answers as a repeat. Nothing is counted
twice: the aggregates are only added to after a row was inserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from writes.aggregates import TripShare, remove_trip, seasons_holding
from writes.errors import Code, Problem, Rejected, reject_any
from writes.risk import refresh_risk_scores
from writes.tables import safety_events, trips
from writes.transaction import transaction
from writes.trip_input import TripSpec
from writes.trip_insert import insert_trip
from writes.trip_removal import remove_trip_row

NO_DRIVER = Problem(("driverId",), "no driver has this id", Code.NOT_FOUND)
NO_TRIP = Problem((), "no trip has this id", Code.NOT_FOUND)
KEY_REUSED = Problem(
    ("externalId",),
    "this driver already has a trip with this externalId and other input",
    Code.EXTERNAL_ID_REUSED,
)
# The trip that won a race for the key was deleted before the loser could read it.
KEY_RACE_LOST = Problem(
    ("externalId",),
    "a concurrent request changed the trip with this externalId; retry",
    Code.CONFLICT,
)


@dataclass(frozen=True, slots=True)
class TripWrite:
    """A trip written or deleted, and the seasons whose aggregates that changed.

    `replayed`: the trip was recorded earlier under the same key and nothing was
    written now (`season_ids` are still the seasons that trip counts in).
    `risk_changed`: the driver's risk score or level changed (writes/risk.py)."""

    row: Row[Any]
    season_ids: tuple[int, ...]
    replayed: bool = False
    risk_changed: bool = False


async def record_trip(engine: AsyncEngine, driver_id: int, spec: TripSpec) -> TripWrite:
    """The new trip, driven in the driver's current vehicle, or the one recorded
    earlier with the same `external_id` and input; `Rejected` when the trip breaks
    a rule, the driver does not exist, or the key names a different trip.

    The insert comes first and finds a taken key by its conflict: a new trip (the
    common case) costs no look-up, a repeat one more read (writes/trip_insert.py)."""
    reject_any(spec.problems())
    async with transaction(engine) as conn:
        inserted = await insert_trip(conn, driver_id, spec)
        if not inserted.driver_found:
            raise Rejected([NO_DRIVER])
        if inserted.row is None:  # the driver has a trip with this key, committed
            earlier = await _recorded(conn, driver_id, spec)
            if earlier is None:  # ... and deleted since
                raise Rejected([KEY_RACE_LOST])
            return earlier
        changed = await refresh_risk_scores(conn, [driver_id])
    return TripWrite(inserted.row, inserted.season_ids, risk_changed=bool(changed))


async def _recorded(conn: AsyncConnection, driver_id: int, spec: TripSpec) -> TripWrite | None:
    """The driver's trip recorded with `spec.external_id`, as a replay; None when
    there is none; `Rejected` when it was recorded with other input."""
    query = select(trips).where(
        trips.c.driver_id == driver_id, trips.c.external_id == spec.external_id
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    columns = (safety_events.c.kind, safety_events.c.severity, safety_events.c.occurred_at)
    events = (await conn.execute(select(*columns).where(safety_events.c.trip_id == row.id))).all()
    if not _same_trip(row, events, spec):
        raise Rejected([KEY_REUSED])
    return TripWrite(row, tuple(await seasons_holding(conn, row.started_at)), replayed=True)


def _same_trip(row: Row[Any], events: Sequence[Any], spec: TripSpec) -> bool:
    """Whether `spec` is the input the trip was recorded from (instants compared
    as instants, whatever their UTC offset; events as a multiset)."""
    stored = Counter((e.kind, e.severity, e.occurred_at.astimezone(UTC)) for e in events)
    given = Counter((e.kind.value, e.severity, e.occurred_at.astimezone(UTC)) for e in spec.events)
    return (
        row.started_at == spec.started_at
        and row.ended_at == spec.ended_at
        and row.distance_km == spec.distance_km
        and row.safety_score == spec.safety_score
        and stored == given
    )


async def delete_trip(engine: AsyncEngine, trip_id: int) -> TripWrite:
    """The deleted trip (its events go with it); `Rejected` when missing."""
    async with transaction(engine) as conn:
        removed = await remove_trip_row(conn, trip_id)
        if removed is None:
            raise Rejected([NO_TRIP])
        row = removed.row
        share = TripShare.of(row.distance_km, row.safety_score, removed.event_kinds)
        await remove_trip(conn, row.driver_id, removed.season_ids, share)
        risk_changed = bool(await refresh_risk_scores(conn, [row.driver_id]))
    return TripWrite(row, removed.season_ids, risk_changed=risk_changed)
