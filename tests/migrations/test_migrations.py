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
