"""Fixtures: a fresh, migrated, seeded database per test module and backend, and
the real app serving it in-process.

Mutations change data, so modules do not share a database; tests within a
module each make the rows they change (a new driver, a new trip) and assert
relative to what they found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings
from db import create_engine
from gql.app import create_app
from seed import SeedPlan, seed_database
from tests.mutations.api import SECRET, Api
from tests.services import migrated_database

PLAN = SeedPlan(drivers=10, trips_per_driver=3, seed=1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(
        request.param, tmp_path_factory.mktemp("mutations"), "fleetgraph_mutations"
    ) as url:
        yield url


@pytest.fixture(scope="module")
async def db_url(migrated_url: str) -> str:
    await seed_database(migrated_url, PLAN, progress=False)
    return migrated_url


@pytest.fixture(scope="module")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """For reading what the mutations wrote, around the app."""
    engine = create_engine(db_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
async def api(db_url: str) -> AsyncIterator[Api]:
    settings = Settings(database_url=db_url, jwt_secret=SecretStr(SECRET), seed_on_empty=False)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield Api(client)
