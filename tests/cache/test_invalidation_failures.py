"""A write's invalidation is not starved by reads, is retried when it fails,
counted, and reported in `extensions.cache.invalidation`.

- Unit cases (no service): retries, the deadline, the per-attempt bound, the
  background repair, and that this process stores nothing under a tag whose
  invalidation is not repaired yet.
- Redis with its read pool exhausted by held connections: invalidations run
  on connections of their own and succeed.
- A private Redis stopped or hanging under a running app: the mutation still
  answers, within its budget, says "failed", and the repair completes once
  Redis is back.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from cache.backends.memory import MemoryBackend
from cache.backends.near import NearCacheBackend
from cache.backends.redis import RedisBackend
from cache.entry import Entry
from cache.hints import Scope
from cache.service import ResponseCache
from tests.cache.client import ADMIN, CacheClient, Json, counter, serving, status
from tests.cache.conftest import delete_prefix
from tests.cache.test_invalidation import DRIVER, RECORD, cached, new_driver
from tests.faults.servers import RedisServer
from tests.services import require_redis

ENTRY = Entry.of({"x": 1}, Scope.PUBLIC, 60)
INVALIDATIONS = "fleetgraph_response_cache_invalidations_total"
RETRIES = "fleetgraph_response_cache_invalidation_retries_total"
ERRORS = "fleetgraph_response_cache_errors_total"


def invalidations(outcome: str, backend: str) -> float:
    return counter(INVALIDATIONS, outcome=outcome, backend=backend)


class FlakyBackend(MemoryBackend):
    """The in-process backend whose invalidations fail `failures` times first
    (or hang, with `hang`)."""

    name = "flaky"

    def __init__(self, failures: int, *, hang: bool = False) -> None:
        super().__init__(1 << 20)
        self.failures = failures
        self.hang = hang
        self.calls = 0

    async def invalidate(self, tags: Collection[str]) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            if self.hang:
                await asyncio.sleep(30)
            raise RedisConnectionError("Too many connections")
        await super().invalidate(tags)


def _cache(backend: FlakyBackend, **options: Any) -> ResponseCache:
    options = {"retry_pause": 0.01, "invalidation_timeout": 0.2, **options}
    return ResponseCache(backend, default_max_age=60, **options)


async def test_a_failed_attempt_is_retried() -> None:
    backend = FlakyBackend(failures=2)
    cache = _cache(backend, invalidation_attempts=3)
    since = await cache.sequence()
    assert await cache.put("k", ENTRY, {"Driver:1"}, since, time.monotonic())
    ok, retries = invalidations("ok", "flaky"), counter(RETRIES, backend="flaky")
    errors = counter(ERRORS, operation="invalidate", backend="flaky")

    assert await cache.invalidate({"Driver:1"})

    assert backend.calls == 3
    assert await cache.get("k") is None
    assert invalidations("ok", "flaky") == ok + 1
    assert counter(RETRIES, backend="flaky") == retries + 2
    assert counter(ERRORS, operation="invalidate", backend="flaky") == errors + 2
    await cache.close()


async def test_a_failed_invalidation_is_counted_held_and_repaired() -> None:
    backend = FlakyBackend(failures=4)  # 3 attempts in the request, the repair's first
    cache = _cache(backend, invalidation_attempts=3)
    failed, repaired = invalidations("failed", "flaky"), invalidations("repaired", "flaky")
    since = await cache.sequence()

    assert not await cache.invalidate({"Driver:1", "Trip:list"})

    assert invalidations("failed", "flaky") == failed + 1
    assert cache.unrepaired == 1
    # Until repaired, this process stores nothing carrying one of those tags,
    # whatever its `since` (the backend has no record of the invalidation).
    fresh = await cache.sequence()
    assert not await cache.put("k", ENTRY, {"Trip:list"}, fresh, time.monotonic())
    assert await cache.put("other", ENTRY, {"Driver:2"}, since, time.monotonic())
    for _ in range(200):
        if cache.unrepaired == 0:
            break
        await asyncio.sleep(0.01)
    assert cache.unrepaired == 0
    assert backend.calls == 5
    assert invalidations("repaired", "flaky") == repaired + 1
    assert not await cache.put("k", ENTRY, {"Trip:list"}, fresh, time.monotonic())  # the repair
    assert await cache.put("k", ENTRY, {"Trip:list"}, await cache.sequence(), time.monotonic())
    await cache.close()


async def test_retries_stop_at_the_deadline() -> None:
    backend = FlakyBackend(failures=100)
    cache = _cache(backend, invalidation_attempts=10, retry_pause=0.05)
    started = time.monotonic()
    assert not await cache.invalidate({"Driver:1"}, deadline=started + 0.2)
    assert time.monotonic() - started < 0.5
    assert 2 <= backend.calls < 10
    await cache.close()  # ends the repair


async def test_the_first_attempt_is_made_even_past_the_deadline() -> None:
    backend = FlakyBackend(failures=0)
    cache = _cache(backend)
    assert await cache.invalidate({"Driver:1"}, deadline=time.monotonic() - 1)
    assert backend.calls == 1
    await cache.close()


async def test_each_attempt_is_bounded() -> None:
    backend = FlakyBackend(failures=2, hang=True)
    cache = _cache(backend, invalidation_attempts=3, invalidation_timeout=0.1)
    started = time.monotonic()
    assert await cache.invalidate({"Driver:1"})  # two attempts timed out, the third got through
    assert time.monotonic() - started < 1.0
    assert backend.calls == 3
    await cache.close()


# -- through the app, on Redis ----------------------------------------------------------


def _redis_of(client: CacheClient) -> RedisBackend:
    backend = client.cache.backend
    if isinstance(backend, NearCacheBackend):
        return backend.redis
    assert isinstance(backend, RedisBackend)
    return backend


async def _trip_input(client: CacheClient, driver_id: str, hours: int) -> Json:
    season = (await client.data("{ activeSeason { startsAt } }"))["activeSeason"]
    start = datetime.fromisoformat(season["startsAt"]) + timedelta(hours=hours)
    return {
        "driverId": driver_id,
        "startedAt": start.isoformat(),
        "endedAt": (start + timedelta(minutes=30)).isoformat(),
        "distanceKm": 10.0,
        "safetyScore": 90,
    }


async def _entries(url: str, prefix: str) -> set[bytes]:
    async with Redis.from_url(url) as redis:
        return {key async for key in redis.scan_iter(match=f"{prefix}e:*")}


@pytest.mark.parametrize("local_copies", [True, False])
async def test_invalidation_succeeds_with_the_read_pool_exhausted(
    seeded_url: str, local_copies: bool
) -> None:
    url = require_redis()
    prefix = f"fleetgraph:test:pool:{uuid.uuid4().hex}:"
    options: dict[str, Any] = {
        "response_cache_key_prefix": prefix,
        "response_cache_redis_timeout": 2.0,
        "response_cache_backoff_seconds": 0.0,
        "response_cache_local_copies": local_copies,
    }
    try:
        async with serving(seeded_url, redis_url=url, **options) as client:
            driver = await new_driver(client)
            trip = await _trip_input(client, driver["id"], hours=3)
            before = await _entries(url, prefix)
            await cached(client, DRIVER, {"id": driver["id"]})
            [stale] = await _entries(url, prefix) - before  # the driver's answer, no trip
            failed = invalidations("failed", "redis")

            # Every connection of the read pool is taken (as by 200 busy readers).
            pool = _redis_of(client).client.connection_pool
            pool.max_connections = 2
            held = [await pool.get_connection() for _ in range(2)]
            try:
                other = await client.post("{ seasons { totalCount } }")
                assert status(other) == "bypass"  # reads get no connection now
                body = (await client.post(RECORD, {"input": trip}, ADMIN)).json()
            finally:
                for connection in held:
                    await pool.release(connection)
                pool.max_connections = 100

            assert body["data"]["recordTrip"]["userErrors"] == []
            assert body["extensions"]["cache"]["invalidation"] == "ok"
            assert invalidations("failed", "redis") == failed
            assert stale not in await _entries(url, prefix)
            after = await client.post(DRIVER, {"id": driver["id"]})
            assert status(after) == "miss"
            trip_id = body["data"]["recordTrip"]["trip"]["id"]
            assert after.json()["data"]["driver"]["trips"]["nodes"] == [{"id": trip_id}]
    finally:
        await delete_prefix(prefix)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("fault", ["stopped", "hanging"])
async def test_a_failed_invalidation_is_retried_counted_and_reported(
    seeded_url: str, private_redis: RedisServer, fault: str
) -> None:
    attempts, timeout = 3, 0.2
    options: dict[str, Any] = {
        "response_cache_redis_timeout": 2.0,
        "response_cache_backoff_seconds": 0.0,
        "response_cache_invalidation_attempts": attempts,
        "response_cache_invalidation_timeout": timeout,
    }
    async with serving(seeded_url, redis_url=private_redis.url, **options) as client:
        driver = await new_driver(client)
        trip = await _trip_input(client, driver["id"], hours=5)
        await cached(client, DRIVER, {"id": driver["id"]})
        failed, repaired = invalidations("failed", "redis"), invalidations("repaired", "redis")
        retries = counter(RETRIES, backend="redis")
        errors = counter(ERRORS, operation="invalidate", backend="redis")
        hang = None
        if fault == "stopped":
            private_redis.stop()
        else:
            hang = asyncio.create_task(_debug_sleep(private_redis.url, 2.5))
            await asyncio.sleep(0.2)  # Redis now answers nothing for ~2.5 s

        started = time.monotonic()
        response = await client.post(RECORD, {"input": trip}, ADMIN)
        elapsed = time.monotonic() - started

        body = response.json()
        assert body["data"]["recordTrip"]["userErrors"] == []  # the write itself committed
        assert body["extensions"]["cache"]["invalidation"] == "failed"
        assert elapsed < attempts * timeout + 1.0  # bounded, well within the 10 s deadline
        assert invalidations("failed", "redis") == failed + 1
        assert counter(RETRIES, backend="redis") == retries + attempts - 1
        assert counter(ERRORS, operation="invalidate", backend="redis") == errors + attempts
        assert client.cache.unrepaired == 1

        if hang is not None:
            await hang
        else:
            private_redis.start()
        for _ in range(100):  # the repair pauses at most 1 s between attempts
            if client.cache.unrepaired == 0:
                break
            await asyncio.sleep(0.05)
        assert client.cache.unrepaired == 0
        assert invalidations("repaired", "redis") == repaired + 1
        after = await client.post(DRIVER, {"id": driver["id"]})
        assert status(after) == "miss"
        assert after.json()["data"]["driver"]["trips"]["totalCount"] == 1


async def _debug_sleep(url: str, seconds: float) -> None:
    async with Redis.from_url(url, socket_timeout=seconds + 5) as redis:
        await redis.execute_command("DEBUG", "SLEEP", str(seconds))
