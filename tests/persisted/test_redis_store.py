"""RedisStore over a real connection, and its fail-fast behaviour without one."""

from __future__ import annotations

import time

import pytest
from redis.asyncio import Redis

from persisted import RedisStore, StoreUnavailable
from tests.services import redis_url


async def test_get_put(redis_store: RedisStore, redis_prefix: str) -> None:
    assert await redis_store.get("abc") is None
    await redis_store.put("abc", "{ a }")
    assert await redis_store.get("abc") == "{ a }"
    async with Redis.from_url(redis_url()) as client:
        assert await client.get(f"{redis_prefix}abc") == b"{ a }"
        # Registrations expire by default (30 days): anonymous clients write them.
        assert 29 * 86400 < await client.ttl(f"{redis_prefix}abc") <= 30 * 86400


async def test_ttl_applies_to_registrations_only(
    redis_store: RedisStore, redis_prefix: str
) -> None:
    redis_store.ttl_seconds = 60
    await redis_store.put("reg", "{ r }")
    await redis_store.load({"man": "{ m }"})
    async with Redis.from_url(redis_url()) as client:
        assert 0 < await client.ttl(f"{redis_prefix}reg") <= 60
        assert await client.ttl(f"{redis_prefix}man") == -1


async def test_load_many(redis_store: RedisStore) -> None:
    documents = {f"k{i}": f"{{ f{i} }}" for i in range(1200)}  # several MSET chunks
    await redis_store.load(documents)
    assert await redis_store.get("k0") == "{ f0 }"
    assert await redis_store.get("k1199") == "{ f1199 }"


@pytest.mark.parametrize("operation", ["get", "put", "load"])
async def test_unreachable_redis_raises_store_unavailable_quickly(operation: str) -> None:
    store = RedisStore.from_url("redis://127.0.0.1:1/0", timeout=0.25)
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable):
            if operation == "get":
                await store.get("k")
            elif operation == "put":
                await store.put("k", "{ a }")
            else:
                await store.load({"k": "{ a }"})
    finally:
        await store.close()
    assert time.monotonic() - started < 2
