"""Temporary staging tables, and loading rows into them (or straight into a table).

PostgreSQL gets binary COPY through asyncpg, inside the transaction
SQLAlchemy began on the same connection; SQLite gets one executemany of a
prepared INSERT (SQLite has no COPY, and an in-process call per row is what
a batched statement costs there anyway). The staging tables are TEMPORARY:
private to the import's connection, emptied at every commit on PostgreSQL
and by `clear` on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateIndex, CreateTable

from models.base import UTCDateTime
from models.trip import EXTERNAL_ID_LENGTH
from writes.aggregates import SUMS

_metadata = MetaData()
_TEMPORARY: dict[str, Any] = {"prefixes": ["TEMPORARY"], "postgresql_on_commit": "DELETE ROWS"}

staged_trips = Table(
    "import_staged_trips",
    _metadata,
    Column("line", Integer),
    Column("driver_id", Integer),
    Column("external_id", String(EXTERNAL_ID_LENGTH)),
    Column("started_at", UTCDateTime()),
    Column("ended_at", UTCDateTime()),
    Column("distance_km", Float),
    Column("duration_s", Integer),
    Column("safety_score", Integer),
    **_TEMPORARY,
)
staged_sums = Table(
    "import_staged_sums",
    _metadata,
    Column("season_id", Integer),
    Column("driver_id", Integer),
    *(
        Column(name, Float if name in ("distance_km", "score_distance") else Integer)
        for name in SUMS
    ),
    **_TEMPORARY,
)
# A CSV's events, staged once per attempt and looked up by trip batch: kept
# across commits (the events file is read before the first batch).
staged_events = Table(
    "import_staged_events",
    _metadata,
    Column("line", Integer),  # in the events file, for rejections
    Column("trip_external_id", String(EXTERNAL_ID_LENGTH), index=True),
    Column("kind", String(32)),
    Column("severity", Integer),
    Column("occurred_at", UTCDateTime()),
    prefixes=["TEMPORARY"],
)
PER_BATCH = (staged_trips, staged_sums)


async def create(conn: AsyncConnection) -> None:
    for table in _metadata.sorted_tables:
        await conn.execute(CreateTable(table, if_not_exists=True))
        for index in table.indexes:
            await conn.execute(CreateIndex(index, if_not_exists=True))


async def clear(conn: AsyncConnection, *tables: Table) -> None:
    """Empty tables that a commit does not empty (all of them on SQLite)."""
    for table in tables:
        await conn.execute(delete(table))


async def load(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts keyed by column name, all with the same keys)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=[tuple(row[c] for c in columns) for row in rows], columns=columns
    )
