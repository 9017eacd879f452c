"""Fixtures: a Redis store under a key prefix of its own, deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from persisted import RedisStore
from tests.services import require_redis


@pytest.fixture
def redis_prefix() -> str:
    return f"fleetgraph:test:pq:{uuid.uuid4().hex}:"


@pytest.fixture
async def redis_store(redis_prefix: str) -> AsyncIterator[RedisStore]:
    url = require_redis()
    store = RedisStore.from_url(url, prefix=redis_prefix, timeout=2.0)
    try:
        yield store
    finally:
        await store.close()
        async with Redis.from_url(url) as client:
            keys = [key async for key in client.scan_iter(match=f"{redis_prefix}*")]
            if keys:
                await client.delete(*keys)
