"""The data-access handle loaders run statements through.

Each call checks a connection out of the pool for one statement, so
concurrent batches never share a connection or session. Reads run without
an explicit transaction (autocommit) to save the BEGIN/COMMIT round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Executable, Row, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import Integer


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.dialect == "postgresql"
            else engine
        )

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    async def fetch(self, statement: Executable) -> Sequence[Row[Any]]:
        async with self._reader.connect() as connection:
            result = await connection.execute(statement)
            return result.all()

    def match_ids(self, column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
        """`column IN ids` whose SQL text does not depend on how many ids.

        On PostgreSQL `= ANY(:array)` keeps one prepared statement for every
        batch size; SQLite gets an expanding IN.
        """
        if self.is_postgresql:
            return column == any_(literal(list(ids), ARRAY(Integer)))
        return column.in_(list(ids))
