"""A CSV import's second file, the trips' safety events, joined to trips by key.

The events file may list events in any order, so it is read once, before the
first batch, into a temporary table of the import's connection (bounded
memory at any size), and each batch of trips fetches its own events from it
by `trip_external_id`. Events whose key names no trip in the file are not
imported (a trip's events come with it, or not at all).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ingest import csv_rows, staging
from ingest.jobs import KEPT_REJECTIONS
from ingest.rows import Rejection, TripRow
from ingest.source import open_stream
from models import SafetyEventKind
from writes import EventSpec

CHUNK = 5_000


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
    """The trips with their staged events (in time order)."""
    table = staging.staged_events
    keys = sorted({trip.external_id for trip in trips})
    events: dict[str, list[EventSpec]] = {}
    for start in range(0, len(keys), CHUNK):
        query = (
            select(table.c.trip_external_id, table.c.kind, table.c.severity, table.c.occurred_at)
            .where(table.c.trip_external_id.in_(keys[start : start + CHUNK]))
            .order_by(table.c.occurred_at)
        )
        for key, kind, severity, occurred_at in await conn.execute(query):
            events.setdefault(key, []).append(
                EventSpec(SafetyEventKind(kind), severity, occurred_at)
            )
    return [
        dataclasses.replace(trip, spec=dataclasses.replace(trip.spec, events=tuple(found)))
        if (found := events.get(trip.external_id))
        else trip
        for trip in trips
    ]
