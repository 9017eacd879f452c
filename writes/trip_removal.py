"""Delete a trip and learn what its aggregates must lose: one statement on PostgreSQL.

The kinds of the trip's events are read before the cascade removes them (a
trip's events are written with it and never change), and the DELETE decides
which of two concurrent deletes wins. PostgreSQL does all three steps in one
statement (writes/trip_statements.py); SQLite in three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Integer, Row, String, column, delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from writes.aggregates import seasons_holding
from writes.tables import safety_events, trips
from writes.trip_statements import POSTGRES_DELETE


@dataclass(frozen=True, slots=True)
class Removed:
    row: Row[Any]
    event_kinds: tuple[str, ...]
    season_ids: tuple[int, ...]  # the seasons holding the trip's start


_POSTGRES = text(POSTGRES_DELETE).columns(
    *trips.c, column("event_kinds", ARRAY(String)), column("season_ids", ARRAY(Integer))
)


async def remove_trip_row(conn: AsyncConnection, trip_id: int) -> Removed | None:
    """The deleted trip, its events' kinds and its seasons; None when there was none."""
    if conn.dialect.name == "postgresql":
        found = (await conn.execute(_POSTGRES, {"trip_id": trip_id})).first()
        if found is None:
            return None
        return Removed(found, tuple(found.event_kinds), tuple(found.season_ids))
    kinds = select(safety_events.c.kind).where(safety_events.c.trip_id == trip_id)
    event_kinds = tuple((await conn.execute(kinds)).scalars())
    statement = delete(trips).where(trips.c.id == trip_id).returning(trips)
    row = (await conn.execute(statement)).first()
    if row is None:
        return None
    return Removed(row, event_kinds, tuple(await seasons_holding(conn, row.started_at)))
