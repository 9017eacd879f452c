"""PostgreSQL bulk loading: binary COPY through asyncpg, inside SQLAlchemy's transaction.

Two things cost more than the COPY itself on the big tables (trips,
safety_events), so the transaction suspends them and restores them before
commit (measured at 10,000 x 100 on 2 cores: 61 s with neither, 36 s with
only the first, 27 s with both):

* Foreign keys. Each COPY'd row fires a referential-integrity trigger that
  looks up, and row-locks, its parent; re-adding the constraint validates
  all rows with one join instead.
* Secondary indexes. Eight trips indexes maintained row by row with random
  keys; `CREATE INDEX` sorts once (and may use parallel workers).

Definitions are read back from the catalog (`pg_get_indexdef`,
`pg_get_constraintdef`), so names and clauses stay exactly what the migration
created. Other sessions block on the table locks rather than see the tables
without them, and a failure rolls the drops back with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from seed.generate import Row
from seed.loader import ID_TABLES, MODEL_TABLES, TABLES

# Only the big tables: suspending anything on the small ones buys nothing.
BULK_TABLES = ("trips", "safety_events")

_SECONDARY_INDEXES = text(
    """
    SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relnamespace = current_schema()::regnamespace
      AND t.relname = ANY(CAST(:tables AS text[]))
      AND NOT x.indisprimary AND NOT x.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
    ORDER BY i.relname
    """
)

_FOREIGN_KEYS = text(
    """
    SELECT c.conrelid::regclass::text AS table_name, c.conname AS name,
      pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    WHERE c.contype = 'f'
      AND t.relnamespace = current_schema()::regnamespace
      AND t.relname = ANY(CAST(:tables AS text[]))
    ORDER BY t.relname, c.conname
    """
)

_fromtimestamp = datetime.fromtimestamp


class PostgresLoader:
    def __init__(
        self,
        conn: AsyncConnection,
        *,
        rebuild_indexes: bool = True,
        defer_foreign_keys: bool = True,
    ) -> None:
        self.conn = conn
        self.rebuild_indexes = rebuild_indexes
        self.defer_foreign_keys = defer_foreign_keys
        self._dropped: list[tuple[str, str]] = []
        self._dropped_fks: list[tuple[str, str, str]] = []
        self._apg: Any = None

    def stamp(self, epoch_s: int) -> datetime:
        return _fromtimestamp(epoch_s, UTC)

    async def prepare(self, *, clear: bool) -> None:
        conn = self.conn
        # Sorting for index builds and hashing for the aggregate want memory;
        # LOCAL keeps the change inside this transaction.
        await conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        await conn.execute(text("SET LOCAL work_mem = '256MB'"))
        if clear:
            # TRUNCATE is transactional in PostgreSQL and far cheaper than DELETE;
            # one statement naming every table satisfies the foreign keys.
            await conn.execute(text(f"TRUNCATE {', '.join(MODEL_TABLES)}"))
        if self.rebuild_indexes:
            found = await conn.execute(_SECONDARY_INDEXES, {"tables": list(BULK_TABLES)})
            self._dropped = [(row.name, row.definition) for row in found]
            for name, _ in self._dropped:
                await conn.execute(text(f'DROP INDEX "{name}"'))
        if self.defer_foreign_keys:
            found = await conn.execute(_FOREIGN_KEYS, {"tables": list(BULK_TABLES)})
            self._dropped_fks = [(row.table_name, row.name, row.definition) for row in found]
            for table, name, _ in self._dropped_fks:
                await conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        raw = await conn.get_raw_connection()
        # SQLAlchemy has already begun the transaction on this very connection
        # (the statements above), so COPY runs inside it.
        self._apg = raw.driver_connection

    async def load(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if rows:
            await self._apg.copy_records_to_table(table, records=rows, columns=list(columns))

    async def finish(self) -> None:
        for table, name, definition in self._dropped_fks:
            await self.conn.execute(
                text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            )
        for _, definition in self._dropped:
            await self.conn.execute(text(definition))
        for table in ID_TABLES:
            # is_called=false with max+1: the next nextval() returns max+1 (1 when empty).
            await self.conn.execute(
                text(
                    f"SELECT setval('{table}_id_seq', COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                )
            )

    async def after_commit(self) -> None:
        # Fresh planner statistics: without them the first queries plan for empty tables.
        await self.conn.execute(text(f"ANALYZE {', '.join(TABLES)}"))
        await self.conn.commit()


# Raised by asyncpg itself (not wrapped by SQLAlchemy) during raw-connection COPY.
POSTGRES_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)
