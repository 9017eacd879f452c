"""Fixtures of the observability tests."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from db.migrate import upgrade
from seed import SeedPlan, seed_database

# Reads vehicles through VehicleByIdLoader: fails in a batch once the table is gone.
BROKEN_QUERY = (
    "query V { drivers(first: 1) { nodes { trips(first: 1) { nodes { vehicle { plate } } } } } }"
)


@pytest.fixture
def broken_sqlite_url(tmp_path: Path) -> str:
    """A seeded SQLite database that lost its vehicles table."""
    path = tmp_path / "broken.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    asyncio.run(seed_database(url, SeedPlan(drivers=2, trips_per_driver=1), progress=False))
    with closing(sqlite3.connect(path)) as connection, connection:  # commits, then closes
        connection.execute("DROP TABLE vehicles")
    return url
