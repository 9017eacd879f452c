"""No answer computed before a write is stored after that write's invalidation.

A miss reads the invalidation sequence before it executes (`since`); storing
its answer is refused when one of its tags was invalidated after that. Here
on both backends: at the backend (an invalidation between the two), through
the app (a read's store held back until a mutation was acknowledged), and on
Redis across a restart, which loses the records the check reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from cache.backends.memory import MemoryBackend
from cache.backends.redis import RedisBackend
from cache.entry import Entry
from cache.hints import Scope
from cache.service import ResponseCache
from tests.cache.client import CacheClient, status
from tests.cache.conftest import delete_prefix
from tests.cache.test_invalidation import DRIVER, cached, new_driver, record_trip
from tests.faults.servers import RedisServer
from tests.services import require_redis

ENTRY = Entry.of({"driver": {"name": "before the write"}}, Scope.PUBLIC, 60)


@pytest.fixture(params=["memory", "redis"])
async def response_cache(request: pytest.FixtureRequest) -> AsyncIterator[ResponseCache]:
    if request.param == "memory":
        cache = ResponseCache(MemoryBackend(1 << 20), default_max_age=60)
        yield cache
        await cache.close()
        return
    prefix = f"fleetgraph:test:guard:{uuid.uuid4().hex}:"
    backend = RedisBackend.from_url(require_redis(), timeout=2.0, prefix=prefix)
    cache = ResponseCache(backend, default_max_age=60)
    yield cache
    await cache.close()
    await delete_prefix(prefix)


async def test_an_answer_older_than_an_invalidation_is_refused(
    response_cache: ResponseCache,
) -> None:
    cache = response_cache
    since, started = await cache.sequence(), time.monotonic()  # the read begins
    assert await cache.invalidate({"Driver:1"})  # a write commits and invalidates

    assert not await cache.put("k", ENTRY, {"Driver:1", "Trip:list"}, since, started)
    assert await cache.get("k") is None
    # Tags the write did not touch are not held back, and an answer computed
    # after the invalidation is stored.
    assert await cache.put("other", ENTRY, {"Driver:2"}, since, started)
    assert await cache.put("k", ENTRY, {"Driver:1"}, await cache.sequence(), time.monotonic())
    assert await cache.get("k") is not None


async def test_the_store_is_checked_against_the_newest_invalidation(
    response_cache: ResponseCache,
) -> None:
    cache = response_cache
    assert await cache.invalidate({"Driver:1"})
    since, started = await cache.sequence(), time.monotonic()
    assert await cache.invalidate({"Trip:list"})
    assert await cache.invalidate({"Driver:1"})  # after `since`, though an older one was before
    assert not await cache.put("k", ENTRY, {"Driver:1"}, since, started)


async def test_a_read_computed_before_a_write_is_not_stored_after_it(
    client: CacheClient,
) -> None:
    """Through the app: the read has its answer (computed before the write), but
    its store is held back until the write was acknowledged."""
    cache = client.cache
    driver = await new_driver(client)
    await client.data("{ activeSeason { startsAt } }")  # warm: `record_trip` reads it
    variables = {"id": driver["id"]}
    computed, release = asyncio.Event(), asyncio.Event()
    stored: list[bool] = []
    real_put = cache.put

    async def held_put(*args: Any) -> bool:
        cache.put = real_put  # type: ignore[method-assign]  # only this read's store
        computed.set()
        await release.wait()
        stored.append(await real_put(*args))
        return stored[-1]

    cache.put = held_put  # type: ignore[method-assign]
    try:
        read = asyncio.create_task(client.post(DRIVER, variables))
        await asyncio.wait_for(computed.wait(), 10)
        trip_id = await record_trip(client, driver["id"])  # acknowledged: invalidated
        release.set()
        old = await read
    finally:
        cache.put = real_put  # type: ignore[method-assign]
        release.set()

    assert old.json()["data"]["driver"]["trips"]["totalCount"] == 0
    assert stored == [False]  # refused: a tag it carries was invalidated after `since`
    after = await client.post(DRIVER, variables)
    assert status(after) == "miss"
    assert after.json()["data"]["driver"]["trips"]["nodes"] == [{"id": trip_id}]
    assert (await cached(client, DRIVER, variables))["driver"]["trips"]["totalCount"] == 1


# -- Redis restarted between a read's `since` and its store -------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _reconnected(backend: RedisBackend) -> None:
    """The pool's connections died with the server: wait until a call gets through."""
    for _ in range(100):
        with contextlib.suppress(Exception):
            await backend.client.ping()
            await backend.invalidation_client.ping()
            return
        await asyncio.sleep(0.05)
    raise AssertionError("Redis did not come back")


async def test_an_answer_older_than_a_restart_is_refused(private_redis: RedisServer) -> None:
    """A restart loses the invalidation records (`v:<tag>`) a store is checked
    against: an answer computed before it may have missed an invalidation whose
    record is gone, so it is refused; one computed after it is stored."""
    backend = RedisBackend.from_url(private_redis.url, timeout=1.0)
    try:
        since = await backend.sequence()
        await backend.invalidate({"Driver:1"})  # the write the read should have seen
        private_redis.stop()
        private_redis.start()  # empty: the write's record is lost
        await _reconnected(backend)

        assert not await backend.put("k", ENTRY, {"Driver:1"}, since)  # no records
        await backend.invalidate({"Trip:list"})  # records begin again, on another tag
        assert not await backend.put("k", ENTRY, {"Driver:1"}, since)
        fresh = await backend.sequence()
        assert fresh > since  # sequences keep growing across the restart
        assert await backend.put("k", ENTRY, {"Driver:1"}, fresh)
        assert await backend.get("k") is not None
    finally:
        await backend.close()


async def test_sequences_left_by_an_earlier_version_keep_working(
    private_redis: RedisServer,
) -> None:
    """A Redis whose counter an earlier version wrote (a small `seq`, no `born`)."""
    backend = RedisBackend.from_url(private_redis.url, timeout=1.0)
    try:
        await backend.client.set(backend.prefix + "seq", 41)
        since = await backend.sequence()
        assert since == 41
        assert await backend.put("k", ENTRY, {"Driver:1"}, since)
        await backend.invalidate({"Driver:1"})
        assert await backend.get("k") is None
        assert not await backend.put("k", ENTRY, {"Driver:1"}, since)
        assert await backend.sequence() > since
    finally:
        await backend.close()
