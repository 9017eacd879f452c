"""Fixtures: the app with its response cache on each backend, over a database of
its own per module (tests here write), and a client that reads `extensions.cache`.

`backend` is parametrized: the in-process LRU, and a real Redis under a key
prefix of its own (deleted afterwards); Redis cases skip, or fail with
REQUIRE_SERVICES=1, when no server answers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from seed import SeedPlan, seed_database
from tests.cache.client import CacheClient, serving
from tests.services import migrated_database, require_redis

PLAN = SeedPlan(drivers=8, trips_per_driver=3, seed=7)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(
        request.param, tmp_path_factory.mktemp("cache"), "fleetgraph_cache"
    ) as url:
        yield url


@pytest.fixture(scope="module")
async def seeded_url(db_url: str) -> str:
    await seed_database(db_url, PLAN, progress=False)
    return db_url


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def redis_prefix(backend: str) -> AsyncIterator[str | None]:
    if backend == "memory":
        yield None
        return
    require_redis()
    prefix = f"fleetgraph:test:rc:{uuid.uuid4().hex}:"
    yield prefix
    await delete_prefix(prefix)


async def delete_prefix(prefix: str) -> None:
    """Remove what a test wrote under its own key prefix."""
    async with Redis.from_url(require_redis()) as client:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)


@pytest.fixture
async def client(seeded_url: str, redis_prefix: str | None) -> AsyncIterator[CacheClient]:
    redis_url = require_redis() if redis_prefix else None
    # A timeout for a loaded test machine: 50 ms (the default) would turn an event
    # loop busy with concurrent requests into bypasses. The outage test uses the default.
    overrides: dict[str, object] = {"response_cache_redis_timeout": 2.0}
    if redis_prefix:
        overrides["response_cache_key_prefix"] = redis_prefix
    async with serving(seeded_url, redis_url=redis_url, **overrides) as cache_client:
        yield cache_client
