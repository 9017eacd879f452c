"""Shared fixtures: a migrated throwaway database per backend per session.

`db_url` is parametrized over SQLite and PostgreSQL so every data-layer test
runs on both; PostgreSQL cases skip (or fail with REQUIRE_SERVICES=1) when
no server answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from tests.services import throwaway_pg_database

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with throwaway_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("sqlite") / "fleetgraph.sqlite3"
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session", params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, unmigrated database on each backend."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(scope="session")
def migrated_db_url(empty_db_url: str) -> str:
    upgrade(empty_db_url)
    return empty_db_url
