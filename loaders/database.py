"""The data-access handle loaders run statements through.

Each call takes its own pooled connection for one statement, so concurrent
batches never share a connection or session. Reads run without an explicit
transaction (autocommit), saving the BEGIN/COMMIT round trips.

On PostgreSQL, reads skip SQLAlchemy's execution layer: each statement shape
is compiled once (keyed by SQLAlchemy's own cache key) and run on an asyncpg
pool, so a request pays for no compilation, no result-processing layer and
no greenlet hop; rows come back as named tuples.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, Executable, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import Integer

from db.statements import note_statement

MAX_COMPILED = 2048


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    compiled: SQLCompiler
    order: tuple[str, ...]
    row_type: Any


class Database:
    def __init__(self, engine: AsyncEngine, pg_pool: asyncpg.Pool | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.pg_pool = pg_pool
        self._compiled: dict[Any, _Compiled] = {}

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    async def fetch(self, statement: Executable) -> Sequence[Any]:
        if self.pg_pool is not None:
            return await self._fetch_asyncpg(statement)
        async with self.engine.connect() as connection:
            result = await connection.execute(statement)
            return result.all()

    async def _fetch_asyncpg(self, statement: Executable) -> list[Any]:
        assert self.pg_pool is not None
        cache_key = statement._generate_cache_key()  # type: ignore[attr-defined]
        entry = self._compiled.get(cache_key.key) if cache_key is not None else None
        if entry is None:
            entry = self._compile(statement, cache_key)
            if cache_key is not None and len(self._compiled) < MAX_COMPILED:
                self._compiled[cache_key.key] = entry
        values = entry.compiled.construct_params(
            extracted_parameters=cache_key.bindparams if cache_key is not None else None,
            escape_names=False,
        )
        note_statement(entry.sql)
        async with self.pg_pool.acquire() as connection:
            records = await connection.fetch(entry.sql, *[values[name] for name in entry.order])
        make = entry.row_type._make
        return [make(record) for record in records]

    def _compile(self, statement: Executable, cache_key: Any) -> _Compiled:
        dialect = self.engine.dialect
        compiled = dialect.statement_compiler(dialect, statement, cache_key=cache_key)
        names = [column[0] for column in compiled._result_columns]  # noqa: SLF001
        return _Compiled(
            sql=compiled.string,
            compiled=compiled,
            order=tuple(compiled.positiontup or ()),
            row_type=namedtuple("Row", names, rename=True),  # type: ignore[misc]
        )

    def match_ids(self, column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
        """`column IN ids` whose SQL text does not depend on how many ids.

        On PostgreSQL `= ANY(:array)` keeps one prepared statement for every
        batch size; SQLite gets an expanding IN.
        """
        if self.is_postgresql:
            return column == any_(literal(list(ids), ARRAY(Integer)))
        return column.in_(list(ids))


async def create_pg_pool(url: str, size: int) -> asyncpg.Pool:
    """An asyncpg pool for reads, from a SQLAlchemy URL."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=size,
        reset=_keep_session,
        server_settings={"jit": "off"},
        timeout=5,
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's RESET ALL round trip on release: reads change no session state."""
