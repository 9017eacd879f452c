"""The data-access handle loaders run statements through.

Statements are built once per shape (`Database.statement`) with bind
parameters, and run with values (`Database.fetch`): a request pays for no
SQLAlchemy construction or compilation. Each call takes its own pooled
connection for one statement, so concurrent batches never share one.
Reads run without an explicit transaction (autocommit).

On PostgreSQL reads go straight to asyncpg connections (loaders/read_pool.py)
with the statement's compiled SQL (prepared once per connection by
asyncpg), skipping SQLAlchemy's execution layer; rows come back as named
tuples.
"""

from __future__ import annotations

import time
from collections import namedtuple
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import BindParameter, ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import Integer

from bounded import BoundedLRU, budget, client_bytes
from db.statements import note_statement
from loaders.read_pool import ReadPool, ReadPools
from loaders.records import record_type
from observability.probes import PoolCounts
from observability.server_timing import current_phases
from observability.tracing import sql_span, tracer
from replicas import ReplicaRouter

# Statements kept per process. Shapes multiply (page sizes, columns, orderings, filter
# shapes), and clients choose them, so the table is an LRU bounded in bytes too: each
# statement weighs about what a compiled leaderboard page keeps (~146 KB measured with
# tracemalloc, SQLAlchemy construct and compiled form), plus its key.
MAX_STATEMENTS = 1024
MAX_STATEMENT_BYTES = budget.STATEMENTS
STATEMENT_BYTES = 128 * 1024
# Per row shape (a statement's column names), a row class and its maker: ~7 KB each.
MAX_ROW_SHAPES = 1024
ROW_SHAPE_BYTES = 8 * 1024

T = TypeVar("T")


def row_shapes() -> BoundedLRU[tuple[str, ...], T]:
    """A table of what is built once per row shape: shapes follow the columns the
    statements select, which clients choose, so it is bounded like the statements."""
    return BoundedLRU(
        MAX_ROW_SHAPES,
        budget.ROW_SHAPES,
        weigh=lambda fields, _: ROW_SHAPE_BYTES + client_bytes(fields),
    )


@dataclass(eq=False, slots=True)
class Statement:
    """A statement built once; its compiled form is kept for the asyncpg path."""

    query: Any  # a SQLAlchemy Select
    sql: str | None = None
    order: tuple[str, ...] = ()
    compiled: Any = None
    row_type: Any = None
    # asyncpg builds rows of this class directly (loaders/records.py); None: rows are
    # converted to `row_type` (a column name that cannot be an attribute).
    record_class: Any = None
    defaults: dict[str, Any] = field(default_factory=dict)
    # Whether its best plan is the same whatever its values (see `_plan_stable`).
    generic: bool = False


class Database:
    def __init__(
        self,
        engine: AsyncEngine,
        read_pools: ReadPools | None = None,
        router: ReplicaRouter | None = None,
    ) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.read_pools = read_pools  # the primary's
        # DATABASE_READ_URLS set: the router chooses the server (replicas/); None: the primary.
        self.router = router
        self._statements: BoundedLRU[Hashable, Statement] = BoundedLRU(
            MAX_STATEMENTS, MAX_STATEMENT_BYTES, weigh=_statement_bytes
        )

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def pool_counts(self) -> list[PoolCounts]:
        """This process's pools, for /metrics (observability.probes.DatabaseProbe)."""
        counts = []
        if self.read_pools is not None:
            size = self.read_pools.get_size()
            counts.append(PoolCounts("reads", size, size - self.read_pools.get_idle_size()))
        writes: Any = self.engine.pool
        if hasattr(writes, "checkedout"):  # QueuePool; SQLite's pools have no counts
            out = writes.checkedout()
            counts.append(PoolCounts("writes", writes.checkedin() + out, out))
        return counts

    async def ping(self) -> None:
        """`SELECT 1` on the pool reads use, for /ready."""
        if self.read_pools is not None:
            await self.read_pools.generic.fetch("SELECT 1")
            return
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    def statement(self, key: Hashable, build: Callable[[], Any]) -> Statement:
        """The statement for `key`, built on first use (key = who asks + shape)."""
        found = self._statements.get(key)
        if found is None:
            found = Statement(build())
            self._statements.put(key, found)
        return found

    async def fetch(
        self, statement: Statement, params: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        if self.read_pools is not None:
            return await self._fetch_asyncpg(statement, params or {})
        text = self._sql_text(statement) if tracer() is not None else ""
        with sql_span(text, system=self.dialect) as span:
            async with self.engine.connect() as connection:
                result = await connection.execute(statement.query, dict(params or {}))
                rows = list(result.all())
            span.rows = len(rows)
        return rows

    async def _fetch_asyncpg(self, statement: Statement, params: Mapping[str, Any]) -> list[Any]:
        records = await self.fetch_records(statement, params)
        if statement.record_class is not None:
            return records  # already rows with attributes
        # tuple.__new__ straight: namedtuple._make's Python wrapper costs ~0.5 us a row.
        new, row_type = tuple.__new__, statement.row_type
        return [new(row_type, record) for record in records]

    async def fetch_records(
        self, statement: Statement, params: Mapping[str, Any]
    ) -> list[asyncpg.Record]:
        """PostgreSQL: asyncpg's records as they come (positions as in
        `statement.row_type._fields`), for callers that slice them themselves."""
        assert self.read_pools is not None, "asyncpg records: PostgreSQL only"
        if statement.compiled is None:
            self._compile(statement)
        pools = self.read_pools
        pool = pools.generic if statement.generic else pools.custom
        defaults = statement.defaults
        arguments = [params[n] if n in params else defaults[n] for n in statement.order]
        sql = statement.sql or ""
        note_statement(sql)
        phases = current_phases()  # Server-Timing's `db`, when on
        started = time.perf_counter() if phases is not None else 0.0
        with sql_span(sql, system="postgresql") as span:
            if self.router is None:
                records = await pool.fetch(sql, arguments, statement.record_class)
            else:
                records = await self.router.fetch(
                    statement.generic, sql, arguments, statement.record_class
                )
            span.rows = len(records)
        if phases is not None:
            phases.db += time.perf_counter() - started
        return records

    def _sql_text(self, statement: Statement) -> str:
        """The statement's SQL with placeholders (never values), compiled once for spans."""
        if statement.sql is None:
            statement.sql = str(statement.query.compile(dialect=self.engine.dialect))
        return statement.sql

    def _compile(self, statement: Statement) -> None:
        columns = statement.query.selected_columns
        names = list(columns.keys())
        # Every column labelled with its key, so the SQL's result names are the
        # keys (an unlabelled count(*) would otherwise come back as `count_1`).
        labelled = statement.query.with_only_columns(
            *(column.label(name) for name, column in columns.items())
        )
        compiled = labelled.compile(dialect=self.engine.dialect)
        statement.sql = compiled.string
        statement.order = tuple(compiled.positiontup or ())
        statement.row_type = namedtuple("Row", names)  # type: ignore[misc]
        statement.record_class = record_type(names)
        # Values bound at build time (literals, LIMIT defaults): read once here,
        # so a request does no SQLAlchemy parameter processing.
        statement.defaults = compiled.params
        binds = compiled.binds
        statement.generic = all(_plan_stable(name, binds[name]) for name in statement.order)
        statement.compiled = compiled

    def match_ids(self, column: ColumnElement[Any], name: str = "ids") -> ColumnElement[bool]:
        """`column IN :ids`, one statement for every batch size.

        PostgreSQL: `= ANY(:ids)` (one prepared statement); SQLite: an
        expanding IN.
        """
        if self.is_postgresql:
            return column == any_(bindparam(name, type_=ARRAY(Integer)))
        return column.in_(bindparam(name, expanding=True))


def _statement_bytes(key: Hashable, statement: Statement) -> int:
    return STATEMENT_BYTES + client_bytes(key)


# Parameters whose values never change a read's best plan: keys (an equality on a
# primary or foreign key, a LATERAL over parent keys), the season, and keyset cursors
# (a seek in index order under a LIMIT). Any other parameter is a client's filter value
# (a date range, a distance, a region) whose selectivity decides the plan.
_STABLE_PARAMETERS = frozenset({"id", "ids", "season_id"})
_CURSOR_PREFIXES = ("after_", "before_")


def _plan_stable(name: str, bind: BindParameter[Any]) -> bool:
    if bind.unique and bind.value is not None:
        return True  # a literal of the statement's own (`x + 1`): the same every time
    return name in _STABLE_PARAMETERS or name.startswith(_CURSOR_PREFIXES)


async def create_read_pools(
    url: str, size: int, statement_timeout_ms: int = 0, *, check: bool = True
) -> ReadPools:
    """The read pools (loaders/read_pool.py), from a SQLAlchemy URL (statement_timeout 0:
    none), each of at most `size` connections; with `check`, one connection is opened to
    fail early when the database is unreachable (a replica's pools skip it: a replica
    down at start is only skipped until it answers, replicas/router.py)."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    def pool(plan_cache_mode: str) -> ReadPool:
        settings = {
            "jit": "off",
            "statement_timeout": str(statement_timeout_ms),
            "plan_cache_mode": plan_cache_mode,
            # Our joins are to-one lookups by unique key from distinct rows: a Memoize
            # node never hits, and building its cache per execution cost a Q4 page
            # (51 drivers and vehicles) half its PostgreSQL time (decision 0018).
            "enable_memoize": "off",
        }

        async def connect() -> asyncpg.Connection:
            return await asyncpg.connect(dsn, server_settings=settings, timeout=5)

        return ReadPool(connect, size)

    pools = ReadPools(generic=pool("force_generic_plan"), custom=pool("force_custom_plan"))
    if check:
        await pools.generic.fetch("SELECT 1")
    return pools
