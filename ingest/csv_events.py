"""A CSV import's second file, the trips' safety events, joined to trips by key.

The events file may list events in any order, so it is read once, before the
first batch, into a temporary table of the import's connection (bounded
memory at any size), and each batch of trips fetches its own events from it
by `trip_external_id`, taking them out of the table as it goes (in the
batch's transaction: a batch that fails gives them back). What is left when
the last batch is done names no trip of the file: each is rejected with its
line (UNKNOWN_TRIP), never dropped silently. Left-overs whose trip is already
in the database are not: a resumed job stages the whole file again, and the
trips of its earlier attempt are past the lines it reads.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ingest import csv_rows, staging
from ingest.jobs import KEPT_REJECTIONS
from ingest.rows import Rejection, RowCode, TripRow
from ingest.source import open_stream
from models import SafetyEventKind, Trip
from writes import EventSpec

CHUNK = 5_000
trips_table = Trip.__table__


@dataclasses.dataclass(frozen=True, slots=True)
class Staged:
    rejected: int
    first_rejections: list[Rejection]


async def stage(conn: AsyncConnection, path: Path, batch_rows: int) -> Staged:
    """Load the events file into the staging table (committed: it outlives batches)."""
    await staging.clear(conn, staging.staged_events)
    stream = open_stream(path)
    rows = csv_rows.read_events(stream)
    rejected, first = 0, list[Rejection]()
    try:
        while chunk := await asyncio.to_thread(_take, rows, batch_rows):
            found = []
            for row in chunk:
                if isinstance(row, Rejection):
                    rejected += 1
                    if len(first) < KEPT_REJECTIONS:
                        first.append(row)
                    continue
                event = row.event
                found.append(
                    {
                        "line": row.line,
                        "trip_external_id": row.trip_external_id,
                        "kind": event.kind.value,
                        "severity": event.severity,
                        "occurred_at": event.occurred_at,
                    }
                )
            await staging.load(conn, staging.staged_events, found)
    finally:
        stream.close()
    await conn.commit()
    return Staged(rejected, first)


def _take(
    rows: Iterator[csv_rows.EventRow | Rejection], size: int
) -> list[csv_rows.EventRow | Rejection]:
    taken: list[csv_rows.EventRow | Rejection] = []
    for row in rows:
        taken.append(row)
        if len(taken) >= size:
            break
    return taken


async def attach(conn: AsyncConnection, trips: Sequence[TripRow]) -> list[TripRow]:
    """The trips with their staged events (in time order), taken out of the table."""
    table = staging.staged_events
    keys = sorted({trip.external_id for trip in trips})
    events: dict[str, list[EventSpec]] = {}
    for start in range(0, len(keys), CHUNK):
        taken = (
            delete(table)
            .where(table.c.trip_external_id.in_(keys[start : start + CHUNK]))
            .returning(
                table.c.trip_external_id, table.c.kind, table.c.severity, table.c.occurred_at
            )
        )
        for key, kind, severity, occurred_at in await conn.execute(taken):
            events.setdefault(key, []).append(
                EventSpec(SafetyEventKind(kind), severity, occurred_at)
            )
    for of_trip in events.values():  # RETURNING has no order
        of_trip.sort(key=lambda event: event.occurred_at)
    return [
        dataclasses.replace(trip, spec=dataclasses.replace(trip.spec, events=tuple(found)))
        if (found := events.get(trip.external_id))
        else trip
        for trip in trips
    ]


async def unmatched(conn: AsyncConnection) -> tuple[int, list[Rejection]]:
    """The staged events no trip of the file took: how many, and the first as rejections."""
    table = staging.staged_events
    orphan = ~exists().where(trips_table.c.external_id == table.c.trip_external_id)
    count = (await conn.execute(select(func.count()).select_from(table).where(orphan))).scalar_one()
    if not count:
        return 0, []
    first = await conn.execute(
        select(table.c.line, table.c.trip_external_id)
        .where(orphan)
        .order_by(table.c.line)
        .limit(KEPT_REJECTIONS)
    )
    return count, [
        Rejection(
            line,
            RowCode.UNKNOWN_TRIP,
            f"events file: no trip of the trips file has external_id {key!r}",
            "events.trip_external_id",
        )
        for line, key in first
    ]
