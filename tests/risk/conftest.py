"""A fresh migrated, empty database per backend for the risk tests (they write)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import create_engine
from db.migrate import upgrade
from db.statements import count_statements
from tests.services import throwaway_pg_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def risk_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('risk') / 'db.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_pg_database(prefix="fleetgraph_risk") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="module")
async def engine(risk_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(risk_db_url, pool_size=4)
    count_statements(engine)
    yield engine
    await engine.dispose()
