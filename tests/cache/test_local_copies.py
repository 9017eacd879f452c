"""Local copies of Redis entries (cache/backends/near.py): served from memory,
never stale after a write acknowledged by another process, dropped while the
tracking connection is down. Real Redis; skips (or fails with
REQUIRE_SERVICES=1) when none answers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from cache.backends.near import NearCacheBackend
from cache.backends.redis import RedisBackend
from cache.entry import Entry
from cache.hints import Scope
from cache.service import ResponseCache
from tests.cache.client import CacheClient, counter, serving, status
from tests.cache.conftest import delete_prefix
from tests.services import require_redis

UPDATE = """mutation($input: UpdateDriverInput!) {
  updateDriver(input: $input) { driver { id name } userErrors { code } } }"""
DRIVER = "query($id: ID!) { driver(id: $id) { id name } }"
FIRST_DRIVER = "RHJpdmVyOjE="


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    require_redis()
    prefix = f"fleetgraph:test:near:{uuid.uuid4().hex}:"
    yield prefix
    await delete_prefix(prefix)


def _process(prefix: str) -> ResponseCache:
    """One process's cache: Redis plus local copies."""
    url = require_redis()
    redis = RedisBackend.from_url(url, timeout=2.0, prefix=prefix)
    return ResponseCache(NearCacheBackend(redis, url, max_bytes=1 << 20), default_max_age=60)


async def _live(cache: ResponseCache) -> NearCacheBackend:
    backend = cache.backend
    assert isinstance(backend, NearCacheBackend)
    for _ in range(300):
        if backend.tracking.is_live():
            return backend
        await asyncio.sleep(0.01)
    raise AssertionError("the tracking connection did not come up")


async def test_copies_are_served_locally_and_never_stale_after_a_write(prefix: str) -> None:
    writer, reader = _process(prefix), _process(prefix)
    try:
        backend = await _live(reader)
        await _live(writer)
        for version in range(50):
            since = await writer.sequence()
            entry = Entry.of({"version": version}, Scope.PUBLIC, 60)
            assert await writer.put("k", entry, ["Driver:1"], since, time.monotonic())
            first = await reader.get("k")  # from Redis, kept
            hits = backend.local_hits
            second = await reader.get("k")  # the copy
            assert first is not None and second is not None
            assert second.body == first.body == entry.body
            assert backend.local_hits == hits + 1
            assert await writer.invalidate(["Driver:1"])
            assert await reader.get("k") is None  # the write's push was applied first
    finally:
        await writer.close()
        await reader.close()


async def _holding(cache: ResponseCache) -> tuple[NearCacheBackend, Entry]:
    """`cache` live, with an entry stored under "k" and read once (so copied)."""
    backend = await _live(cache)
    entry = Entry.of({"x": 1}, Scope.PUBLIC, 60)
    since = await cache.sequence()  # a `since` Redis handed out (it refuses any other)
    assert await cache.put("k", entry, [], since, time.monotonic())
    assert await cache.get("k") is not None
    return backend, entry


async def test_an_expired_copy_is_not_served(prefix: str) -> None:
    cache = _process(prefix)
    try:
        backend, entry = await _holding(cache)
        expired = Entry(entry.body, entry.etag, entry.scope, expires_at=0.0)
        backend._keep((prefix + "e:k").encode(), expired)
        assert backend.peek("k") is None
    finally:
        await cache.close()


async def test_copies_are_dropped_while_tracking_is_down(prefix: str) -> None:
    cache = _process(prefix)
    try:
        backend, _ = await _holding(cache)
        assert backend.peek("k") is not None
        async with Redis.from_url(require_redis()) as admin:
            await admin.execute_command("CLIENT", "KILL", "ID", backend.tracking.client_id)
        await asyncio.sleep(0.05)
        assert backend.peek("k") is None and len(backend) == 0  # lost: copies gone
        assert await cache.get("k") is not None  # still served, from Redis
        await _live(cache)  # re-opened by itself
        assert await cache.get("k") is not None
        assert backend.peek("k") is not None
    finally:
        await cache.close()


async def test_read_your_writes_across_two_processes(seeded_url: str, prefix: str) -> None:
    """Process A writes, process B (which holds a copy) reads right after A's answer."""
    url = require_redis()
    settings = {"response_cache_key_prefix": prefix, "response_cache_redis_timeout": 2.0}
    async with (
        serving(seeded_url, redis_url=url, **settings) as a,
        serving(seeded_url, redis_url=url, **settings) as b,
    ):
        for n in range(5):
            await _read(b)  # a miss: computed, stored in Redis
            await _read(b)  # a hit read from Redis: copied
            local_hits = counter("fleetgraph_response_cache_local_hits_total")
            assert status(await b.post(DRIVER, {"id": FIRST_DRIVER})) == "hit"
            assert counter("fleetgraph_response_cache_local_hits_total") == local_hits + 1
            name = f"Local Copy {uuid.uuid4().hex[:8]} {n}"
            payload = await a.mutate(
                "updateDriver", UPDATE, {"input": {"id": FIRST_DRIVER, "name": name}}
            )
            assert payload["driver"]["name"] == name
            assert (await _read(b))["name"] == name


async def _read(client: CacheClient) -> dict[str, str]:
    data = await client.data(DRIVER, {"id": FIRST_DRIVER})
    driver: dict[str, str] = data["driver"]
    return driver
