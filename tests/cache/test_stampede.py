"""Concurrent misses on one key compute once: in a process, and across processes."""

from __future__ import annotations

import asyncio

from db.statements import record_statements
from tests.cache.client import CacheClient, counter, serving, status
from tests.services import require_redis

QUERY = "{ drivers(first: 5) { nodes { id name trips(first: 3) { nodes { id } } } } }"


async def _statements(client: CacheClient, query: str) -> int:
    with record_statements() as log:
        await client.post(query)
    return log.count


async def test_concurrent_misses_execute_once(client: CacheClient) -> None:
    one = await _statements(client, QUERY + " # uncached twin")
    assert one > 0
    misses = counter(
        "fleetgraph_response_cache_requests_total", result="miss", backend=client.backend
    )
    with record_statements() as log:
        responses = await asyncio.gather(*(client.post(QUERY) for _ in range(12)))
    assert log.count == one
    assert sorted(status(r) for r in responses) == ["hit"] * 11 + ["miss"]
    after = counter(
        "fleetgraph_response_cache_requests_total", result="miss", backend=client.backend
    )
    assert after - misses == 1
    assert len({r.json()["data"].__repr__() for r in responses}) == 1


async def test_two_processes_share_one_computation(
    seeded_url: str, redis_prefix: str | None
) -> None:
    """Two apps (as two workers would be) on one Redis: the lock makes one compute."""
    if redis_prefix is None:
        return  # the in-process backend serves one process by design
    url = require_redis()
    # A wait long enough for a loaded CI machine: past it the waiter computes anyway.
    settings = {"response_cache_key_prefix": redis_prefix, "response_cache_lock_wait_seconds": 10}
    async with (
        serving(seeded_url, redis_url=url, **settings) as first,
        serving(seeded_url, redis_url=url, **settings) as second,
    ):
        one = await _statements(first, QUERY + " # uncached twin")
        with record_statements() as log:
            responses = await asyncio.gather(
                *(client.post(QUERY) for client in [first, second] * 6)
            )
        assert log.count == one
        assert [status(r) for r in responses].count("miss") == 1
