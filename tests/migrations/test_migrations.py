"""Migrations upgrade and downgrade cleanly and build exactly the models' schema.

Each case gets a fresh database on each backend (SQLite file, throwaway
PostgreSQL database). The tests are synchronous because `db.migrate` runs
alembic through `asyncio.run`; database checks go through an AsyncEngine of
their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from db import create_engine
from db.migrate import MigrationError, downgrade, head_revision, upgrade
from models import Base
from tests.migrations.schema_diff import schema_diff
from tests.services import throwaway_pg_database

APP_TABLES = frozenset(Base.metadata.tables)
UNKNOWN_REVISION = "ffffffff"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, unmigrated database, new for each test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    with throwaway_pg_database(prefix="fleetgraph_migrations") as url:
        yield url


def _run_sync(url: str, fn: Any) -> Any:
    async def go() -> Any:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _execute(url: str, *statements: str) -> None:
    async def go() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(go())


def _table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_downgrade_upgrade_matches_models(fresh_url: str) -> None:
    upgrade(fresh_url)
    assert _run_sync(fresh_url, _table_names) >= APP_TABLES

    downgrade(fresh_url, "base")
    left = _run_sync(fresh_url, _table_names) & APP_TABLES
    assert not left, f"downgrade to base left app tables behind: {sorted(left)}"
    assert _run_sync(fresh_url, _current_revision) is None

    upgrade(fresh_url)
    assert _run_sync(fresh_url, _current_revision) == head_revision()
    assert _run_sync(fresh_url, _table_names) - {"alembic_version"} == APP_TABLES
    assert _run_sync(fresh_url, schema_diff) == []


def test_upgrade_is_idempotent(fresh_url: str) -> None:
    upgrade(fresh_url)
    upgrade(fresh_url)
    assert _run_sync(fresh_url, _current_revision) == head_revision()


def test_unknown_revision_is_refused_in_one_line(fresh_url: str) -> None:
    upgrade(fresh_url)
    _execute(
        fresh_url,
        "DELETE FROM alembic_version",
        f"INSERT INTO alembic_version (version_num) VALUES ('{UNKNOWN_REVISION}')",
    )

    with pytest.raises(MigrationError) as caught:
        upgrade(fresh_url)

    message = str(caught.value)
    assert UNKNOWN_REVISION in message
    assert "\n" not in message.strip()


# -- 0002: trips.external_id --------------------------------------------------------

_DRIVER = (
    "INSERT INTO drivers (id, name, email, region, created_at, updated_at) VALUES "
    "({id}, 'D{id}', 'd{id}@migrations.example', 'north', "
    "'2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')"
)
_TRIP = (
    "INSERT INTO trips (id, driver_id, started_at, ended_at, distance_km, duration_s, "
    "safety_score{key_column}) VALUES ({id}, {driver}, '2026-01-02 08:00:00+00:00', "
    "'2026-01-02 09:00:00+00:00', 10.0, 3600, 90{key_value})"
)
_EVENT = (
    "INSERT INTO safety_events (trip_id, kind, severity, occurred_at) "
    "VALUES ({trip}, 'SPEEDING', 2, '2026-01-02 08:30:00+00:00')"
)


def _trip(trip_id: int, driver_id: int, key: str | None = None) -> str:
    with_key = key is not None
    return _TRIP.format(
        id=trip_id,
        driver=driver_id,
        key_column=", external_id" if with_key else "",
        key_value=f", '{key}'" if with_key else "",
    )


def _shape(conn: Connection) -> dict[str, Any]:
    """Columns, indexes, checks and foreign keys of every app table, comparable."""
    found = inspect(conn)
    shape: dict[str, Any] = {}
    for table in sorted(APP_TABLES):
        if not found.has_table(table):  # made by a later revision than the one at hand
            continue
        shape[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)
            ],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
            "checks": sorted(str(c["name"]) for c in found.get_check_constraints(table)),
            "foreign_keys": sorted(str(f["name"]) for f in found.get_foreign_keys(table)),
        }
    return shape


def _count(url: str, sql: str) -> int:
    return int(_run_sync(url, lambda conn: conn.execute(text(sql)).scalar()))


def test_external_id_is_unique_per_driver_and_optional(fresh_url: str) -> None:
    upgrade(fresh_url)
    _execute(
        fresh_url,
        _DRIVER.format(id=1),
        _DRIVER.format(id=2),
        _trip(1, 1),
        _trip(2, 1),  # any number of trips without a key
        _trip(3, 1, "k-1"),
        _trip(4, 2, "k-1"),  # the same key for another driver
    )
    with pytest.raises(IntegrityError):
        _execute(fresh_url, _trip(5, 1, "k-1"))
    assert _count(fresh_url, "SELECT COUNT(*) FROM trips") == 4


def test_0002_downgrades_to_0001_in_place(fresh_url: str) -> None:
    upgrade(fresh_url, "0001")
    before = _run_sync(fresh_url, _shape)
    upgrade(fresh_url)
    after = _run_sync(fresh_url, _shape)
    assert ("external_id", "VARCHAR(128)", True) in after["trips"]["columns"]
    assert ("ix_trips_driver_id_external_id", ("driver_id", "external_id"), True) in after["trips"][
        "indexes"
    ]
    _execute(
        fresh_url, _DRIVER.format(id=1), _trip(1, 1, "k-1"), _trip(2, 1), _EVENT.format(trip=1)
    )

    downgrade(fresh_url, "0001")

    assert _run_sync(fresh_url, _current_revision) == "0001"
    assert _run_sync(fresh_url, _shape) == before
    # Dropped in place: the trips and the events that cascade from them are all kept.
    assert _count(fresh_url, "SELECT COUNT(*) FROM trips") == 2
    assert _count(fresh_url, "SELECT COUNT(*) FROM safety_events") == 1
    with pytest.raises(IntegrityError):  # the table's CHECKs are still there
        _execute(fresh_url, _trip(3, 1).replace("10.0, 3600", "0.0, 3600"))

    upgrade(fresh_url)
    assert _run_sync(fresh_url, schema_diff) == []
    assert _count(fresh_url, "SELECT COUNT(*) FROM trips WHERE external_id IS NULL") == 2


# -- 0003: vehicles.vin --------------------------------------------------------------


def test_0003_adds_an_optional_vin_and_downgrades_in_place(fresh_url: str) -> None:
    upgrade(fresh_url, "0002")
    before = _run_sync(fresh_url, _shape)
    upgrade(fresh_url)
    assert ("vin", "VARCHAR(17)", True) in _run_sync(fresh_url, _shape)["vehicles"]["columns"]

    downgrade(fresh_url, "0002")

    assert _run_sync(fresh_url, _current_revision) == "0002"
    assert _run_sync(fresh_url, _shape) == before


# -- 0004: import_jobs ---------------------------------------------------------------


def test_0004_adds_the_import_jobs_table_and_downgrades_without_it(fresh_url: str) -> None:
    upgrade(fresh_url, "0003")
    before = _run_sync(fresh_url, _shape)
    assert "import_jobs" not in before
    upgrade(fresh_url)
    after = _run_sync(fresh_url, _shape)
    assert ("ix_import_jobs_status_id", ("status", "id"), False) in after["import_jobs"]["indexes"]
    assert _run_sync(fresh_url, schema_diff) == []

    downgrade(fresh_url, "0003")

    assert _run_sync(fresh_url, _current_revision) == "0003"
    assert _run_sync(fresh_url, _shape) == before
