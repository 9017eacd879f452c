"""Session fixtures shared by tests/gql and tests/pagination.

One app and one client per backend (over `seeded_db_url`), and the seeded
rows read back once per backend for computing expectations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.gql.client import GraphQLClient, serving
from tests.gql.dataset import Dataset


@pytest.fixture(scope="session")
async def gql(seeded_db_url: str) -> AsyncIterator[GraphQLClient]:
    async with serving(seeded_db_url) as client:
        yield client


@pytest.fixture(scope="session")
async def reference_gql(seeded_db_url: str) -> AsyncIterator[GraphQLClient]:
    """The app with the planner off: the reference executor answers everything."""
    async with serving(seeded_db_url, planner_enabled=False) as client:
        yield client


@pytest.fixture(scope="session")
async def dataset(seeded_db_url: str) -> Dataset:
    return await Dataset.read(seeded_db_url)
