"""SQLite bulk loading: executemany in large batches on SQLAlchemy's connection.

Rows bypass SQLAlchemy's type layer, so timestamps are written exactly as
`UTCDateTime` would store them on SQLite: naive UTC text in SQLAlchemy's
DATETIME format ('2026-01-01 00:00:00.000000'). Anything else would compare
wrongly as text and fail to parse on read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from seed.generate import Row
from seed.loader import MODEL_TABLES

_fromtimestamp = datetime.fromtimestamp


class SqliteLoader:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    def stamp(self, epoch_s: int) -> str:
        # Generated instants are whole seconds, hence the fixed microseconds.
        return _fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d %H:%M:%S.000000")

    async def prepare(self, *, clear: bool) -> None:
        if clear:
            for table in reversed(MODEL_TABLES):
                await self.conn.execute(text(f"DELETE FROM {table}"))

    async def load(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if rows:
            placeholders = ", ".join("?" * len(columns))
            await self.conn.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )

    async def finish(self) -> None:
        """Nothing to restore: SQLite's INTEGER PRIMARY KEY continues after max(id)."""

    async def after_commit(self) -> None:
        await self.conn.execute(text("ANALYZE"))
        await self.conn.commit()
