from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.limits.app import app_client, seed_sqlite


@pytest.fixture(scope="session")
def small_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("limits"))


@pytest.fixture(scope="session")
async def http(small_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with default settings (development)."""
    async with app_client(small_db_url) as client:
        yield client
