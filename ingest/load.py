"""One batch of checked rows into trips, safety_events and driver_season_stats.

Runs inside the caller's transaction (with the job's progress), so a batch
commits whole or not at all. Drivers are looked up set-wise; the trips are
staged and inserted by one INSERT ... SELECT ... ON CONFLICT DO NOTHING on
(driver_id, external_id): a trip the driver already has (an earlier import
of the same file, a recordTrip with that key, or a concurrent import that
committed first) inserts nothing and counts as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from cache import tags
from ingest import season_sums, staging
from ingest.rows import Rejection, TripRow
from writes import Code
from writes.risk import refresh_risk_scores
from writes.tables import drivers, safety_events

CHUNK = 5_000  # ids per IN list (SQLite allows 32,766 parameters per statement)

_INSERT_TRIPS = text(
    """
INSERT INTO trips (driver_id, vehicle_id, started_at, ended_at, distance_km, duration_s,
  safety_score, external_id)
SELECT s.driver_id, v.id, s.started_at, s.ended_at, s.distance_km, s.duration_s,
  s.safety_score, s.external_id
FROM import_staged_trips s LEFT JOIN vehicles v ON v.driver_id = s.driver_id
WHERE true ORDER BY s.driver_id, s.external_id
ON CONFLICT (driver_id, external_id) DO NOTHING
RETURNING id, driver_id, external_id
"""
)


@dataclass
class Written:
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    driver_ids: set[int] = field(default_factory=set)
    season_ids: set[int] = field(default_factory=set)
    trip_ids: list[int] = field(default_factory=list)
    risk_changed: set[int] = field(default_factory=set)  # drivers whose risk score moved

    def tags(self) -> set[str]:
        """What the batch changed, as recordTrip names it per trip (cache/tags.py)."""
        if not self.trip_ids:
            return set()
        changed = {tags.entity("Driver", pk) for pk in self.driver_ids}
        changed |= {tags.entity("Trip", pk) for pk in self.trip_ids}
        changed |= {"Driver", tags.TRIP_LIST, tags.FLEET_SUMMARY}
        if self.risk_changed:  # driver lists by risk, the fleet's risk distribution
            changed |= tags.risk_score_changed()
        return changed | tags.season_leaderboards(self.season_ids)


def _chunks(values: Sequence[object]) -> Iterator[Sequence[object]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


async def _driver_ids(conn: AsyncConnection, rows: Sequence[TripRow]) -> dict[object, int]:
    """Driver pk by the reference rows give (a pk, or an email) for those that exist."""
    found: dict[object, int] = {}
    pks = sorted({row.driver_id for row in rows if row.driver_id is not None})
    emails = sorted({row.driver_email for row in rows if row.driver_email is not None})
    for chunk in _chunks(pks):
        query = select(drivers.c.id).where(drivers.c.id.in_(chunk))
        found.update((pk, pk) for pk in (await conn.execute(query)).scalars())
    for chunk in _chunks(emails):
        query = select(drivers.c.email, drivers.c.id).where(drivers.c.email.in_(chunk))
        found.update((email, pk) for email, pk in await conn.execute(query))
    return found


def _unknown(row: TripRow) -> Rejection:
    if row.driver_id is not None:
        return Rejection(row.line, Code.NOT_FOUND, "no driver has this id", "driverId")
    return Rejection(row.line, Code.NOT_FOUND, "no driver has this email", "driverEmail")


async def write(conn: AsyncConnection, rows: Sequence[TripRow]) -> Written:
    written = Written()
    known = await _driver_ids(conn, rows)
    staged: dict[tuple[int, str], TripRow] = {}
    for row in rows:
        driver = known.get(row.driver_id if row.driver_id is not None else row.driver_email)
        if driver is None:
            written.rejected.append(_unknown(row))
        elif (driver, row.external_id) in staged:
            written.duplicates += 1  # the file repeats a trip: the first one counts
        else:
            staged[(driver, row.external_id)] = row
    if conn.dialect.name != "postgresql":
        await staging.clear(conn, *staging.PER_BATCH)
    await staging.load(conn, staging.staged_trips, [_staged(d, r) for (d, _), r in staged.items()])
    inserted = (await conn.execute(_INSERT_TRIPS)).all() if staged else []
    written.imported = len(inserted)
    written.duplicates += len(staged) - len(inserted)
    new: list[season_sums.NewTrip] = []
    events: list[dict[str, object]] = []
    for trip_id, driver_id, external_id in inserted:
        spec = staged[(driver_id, external_id)].spec
        kinds = tuple(event.kind.value for event in spec.events)
        new.append(
            season_sums.NewTrip(
                driver_id, spec.started_at, spec.distance_km, spec.safety_score, kinds
            )
        )
        events += (
            {
                "trip_id": trip_id,
                "kind": e.kind.value,
                "severity": e.severity,
                "occurred_at": e.occurred_at,
            }
            for e in spec.events
        )
        written.trip_ids.append(trip_id)
        written.driver_ids.add(driver_id)
    await staging.load(conn, safety_events, events)
    found = season_sums.sums(new, await season_sums.windows(conn))
    await season_sums.add(conn, found)
    written.season_ids = {season_id for season_id, _ in found}
    written.risk_changed = await refresh_risk_scores(conn, written.driver_ids)
    return written


def _staged(driver_id: int, row: TripRow) -> dict[str, object]:
    spec = row.spec
    return {
        "line": row.line,
        "driver_id": driver_id,
        "external_id": row.external_id,
        "started_at": spec.started_at,
        "ended_at": spec.ended_at,
        "distance_km": spec.distance_km,
        "duration_s": spec.duration_s,
        "safety_score": spec.safety_score,
    }
