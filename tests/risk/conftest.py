"""A fresh migrated, empty database per backend for the risk tests (they write)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import create_engine
from db.statements import count_statements
from tests.services import migrated_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def risk_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(
        request.param, tmp_path_factory.mktemp("risk"), "fleetgraph_risk"
    ) as url:
        yield url


@pytest.fixture(scope="module")
async def engine(risk_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(risk_db_url, pool_size=4)
    count_statements(engine)
    yield engine
    await engine.dispose()
