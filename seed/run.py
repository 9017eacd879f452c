"""`seed_database`: one transaction that fills every table, or nothing at all."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace as replace_fields
from datetime import timedelta

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm

from db import create_engine
from seed.aggregates import rebuild_driver_season_stats
from seed.errors import SeedError
from seed.generate import (
    DRIVER_COLUMNS,
    RISK_SCORE_COLUMNS,
    SAFETY_EVENT_COLUMNS,
    TRIP_COLUMNS,
    VEHICLE_COLUMNS,
    Batch,
    Row,
    RowGenerator,
)
from seed.loader import MODEL_TABLES, Loader
from seed.plan import SeedPlan
from seed.postgres import POSTGRES_ERRORS, PostgresLoader
from seed.seasons import quarterly_seasons
from seed.sqlite import SqliteLoader
from seed.summary import SeedSummary
from writes.risk import score_drivers

SEASON_COLUMNS = ("id", "name", "starts_at", "ends_at")
# Trips per batch: big enough that per-COPY overhead vanishes, small enough
# that a batch (with its ~3 events per trip) stays around 50 MB of tuples.
TRIPS_PER_BATCH = 50_000
# Errors a database (or the network to it) raises; asyncpg's own surface
# unwrapped from raw-connection COPY.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (OSError, DBAPIError, *POSTGRES_ERRORS)


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _reason(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip() or type(exc).__name__
    return text_.splitlines()[0]


def _engine(url: str) -> AsyncEngine:
    try:
        return create_engine(url, pool_size=1)
    except (ArgumentError, ValueError) as exc:
        raise SeedError(f"invalid database URL {_safe_url(url)}: {_reason(exc)}") from exc


@asynccontextmanager
async def _connection(engine: AsyncEngine, url: str) -> AsyncIterator[AsyncConnection]:
    """A connection; only failing to open it reads as "cannot reach"."""
    try:
        conn = await engine.connect()
    except DATABASE_ERRORS as exc:
        raise SeedError(f"cannot reach the database at {_safe_url(url)}: {_reason(exc)}") from exc
    try:
        yield conn
    finally:
        await conn.close()


def _table_names(sync_conn: Connection) -> list[str]:
    return inspect(sync_conn).get_table_names()


async def _require_schema(conn: AsyncConnection) -> None:
    present = set(await conn.run_sync(_table_names))
    # End the autobegun read so the seed's own transaction starts cleanly.
    await conn.rollback()
    if not set(MODEL_TABLES) <= present:
        raise SeedError("database is not migrated; run `fleetgraph migrate` first")


async def _existing_data(conn: AsyncConnection) -> str | None:
    """'N drivers' (or the first non-empty table) when the database holds rows."""
    drivers = (await conn.execute(text("SELECT COUNT(*) FROM drivers"))).scalar_one()
    if drivers:
        return f"{drivers:,} drivers"
    for table in MODEL_TABLES:
        if (await conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1"))).first() is not None:
            return f"rows in {table}"
    return None


def _loader(conn: AsyncConnection) -> Loader:
    if conn.dialect.name == "postgresql":
        return PostgresLoader(conn)
    return SqliteLoader(conn)


async def database_is_empty(url: str) -> bool:
    """True when the drivers table has no row (`serve` then seeds the demo)."""
    engine = _engine(url)
    try:
        async with _connection(engine, url) as conn:
            await _require_schema(conn)
            row = (await conn.execute(text("SELECT 1 FROM drivers LIMIT 1"))).first()
            return row is None
    except DATABASE_ERRORS as exc:
        raise SeedError(f"cannot read the database at {_safe_url(url)}: {_reason(exc)}") from exc
    finally:
        await engine.dispose()


async def seed_database(
    url: str, plan: SeedPlan, *, progress: bool = True, replace: bool = False
) -> SeedSummary:
    """Fill a migrated database with `plan`'s data in one transaction.

    With `replace`, existing rows are deleted in that same transaction, so a
    failure (or Ctrl-C) leaves the old data in place, not a half-seeded mix.
    """
    started = time.perf_counter()
    engine = _engine(url)
    try:
        async with _connection(engine, url) as conn:
            loader = _loader(conn)
            try:
                await _require_schema(conn)
                summary = await _seed_in_transaction(conn, loader, plan, progress, replace)
                await loader.after_commit()
            except DATABASE_ERRORS as exc:
                raise SeedError(f"seeding failed, nothing was written: {_reason(exc)}") from exc
    finally:
        await engine.dispose()
    # The clock includes ANALYZE: the data is not ready to serve before it.
    return replace_fields(summary, seconds=time.perf_counter() - started)


async def _seed_in_transaction(
    conn: AsyncConnection, loader: Loader, plan: SeedPlan, progress: bool, replace: bool
) -> SeedSummary:
    anchor = plan.resolved_anchor()
    seasons = quarterly_seasons(anchor)
    async with conn.begin():
        existing = await _existing_data(conn)
        if existing is not None and not replace:
            raise SeedError(f"database already holds data ({existing}); pass --force to replace it")
        await loader.prepare(clear=existing is not None)
        stamp = loader.stamp
        await loader.load(
            "seasons",
            SEASON_COLUMNS,
            [
                (
                    s.id,
                    s.name,
                    stamp(int(s.starts_at.timestamp())),
                    stamp(int(s.ends_at.timestamp())),
                )
                for s in seasons
            ],
        )
        generator = RowGenerator(plan, seasons, anchor, stamp)
        drivers_per_batch = max(1, TRIPS_PER_BATCH // max(1, plan.trips_per_driver))
        with tqdm(
            total=plan.trips,
            unit="trips",
            unit_scale=True,
            desc="seeding",
            file=sys.stderr,
            disable=not progress,
        ) as bar:
            for batch in generator.batches(drivers_per_batch):
                for table, columns, rows in _batch_tables(batch):
                    await loader.load(table, columns, rows)
                bar.update(len(batch.trips))
        stats = await rebuild_driver_season_stats(conn)
        await loader.finish()
        # After `finish`: the history rows take ids after the generated ones.
        # The risk model's row is the latest: the generated ones are before it.
        scored = await score_drivers(conn, None, anchor - timedelta(seconds=1))
    return SeedSummary(
        drivers=plan.drivers,
        vehicles=plan.drivers,
        trips=generator.next_trip_id - 1,
        safety_events=generator.next_event_id - 1,
        risk_scores=generator.next_risk_id - 1 + len(scored),
        seasons=len(seasons),
        driver_season_stats=stats,
        seconds=0.0,
    )


def _batch_tables(batch: Batch[object]) -> list[tuple[str, Sequence[str], list[Row]]]:
    """A batch's rows per table, parents before children (foreign keys)."""
    return [
        ("drivers", DRIVER_COLUMNS, batch.drivers),
        ("vehicles", VEHICLE_COLUMNS, batch.vehicles),
        ("risk_scores", RISK_SCORE_COLUMNS, batch.risk_scores),
        ("trips", TRIP_COLUMNS, batch.trips),
        ("safety_events", SAFETY_EVENT_COLUMNS, batch.safety_events),
    ]
