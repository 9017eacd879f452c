"""Fixtures: a fresh, migrated, seeded database per test module and backend.

Imports change data, so modules do not share a database; each test imports
trips with keys of its own and asserts relative to what it found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import create_engine
from seed import SeedPlan, seed_database
from tests.services import migrated_database

PLAN = SeedPlan(drivers=12, trips_per_driver=3, seed=3)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(
        request.param, tmp_path_factory.mktemp("ingest"), "fleetgraph_ingest"
    ) as url:
        yield url


@pytest.fixture(scope="module")
async def db_url(migrated_url: str) -> str:
    await seed_database(migrated_url, PLAN, progress=False)
    return migrated_url


@pytest.fixture(scope="module")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url, pool_size=2)
    yield engine
    await engine.dispose()
