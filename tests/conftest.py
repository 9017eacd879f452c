"""Shared fixtures: a migrated throwaway database per backend per session.

`db_url` is parametrized over SQLite and PostgreSQL so every data-layer test
runs on both; PostgreSQL cases skip (or fail with REQUIRE_SERVICES=1) when
no server answers.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from seed import seed_database
from tests.plans import TEST_PLAN
from tests.services import throwaway_pg_database

BACKENDS = ["sqlite", "postgresql"]

# The suite sends thousands of requests from one address within seconds: its apps run
# unthrottled unless a test turns the rate limit on (tests/limits does, explicitly).
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")


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
    fixture = {"sqlite": "sqlite_url", "postgresql": "pg_url"}[request.param]
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def migrated_db_url(empty_db_url: str) -> str:
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture(scope="session")
def seeded_db_url(migrated_db_url: str) -> str:
    """The migrated database of each backend, seeded once with `TEST_PLAN` (tests/plans.py).

    Read-only for tests: whoever writes must use a database of their own.
    Sync on purpose: no event loop runs while pytest sets up a sync fixture,
    so `asyncio.run` is safe here and its connections never touch the
    session loop.
    """
    asyncio.run(seed_database(migrated_db_url, TEST_PLAN, progress=False))
    return migrated_db_url
