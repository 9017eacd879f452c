"""Token buckets in Redis (a real server), and the fallback when it is gone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from limits.rate_limiter import RateLimiter
from limits.redis_buckets import RedisBuckets
from tests.services import require_redis


@pytest.fixture
async def buckets() -> AsyncIterator[RedisBuckets]:
    url = require_redis()
    prefix = f"fleetgraph:test:rate:{uuid.uuid4().hex}:"
    redis_buckets = RedisBuckets(Redis.from_url(url), 100, 10, prefix)
    try:
        yield redis_buckets
    finally:
        keys = [k async for k in redis_buckets.client.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis_buckets.client.delete(*keys)
        await redis_buckets.close()


async def test_take_refuse_refund(buckets: RedisBuckets) -> None:
    assert (await buckets.take("a", 70)).allowed
    refused = await buckets.take("a", 70)
    assert not refused.allowed
    assert 30 <= refused.remaining < 32
    assert 3.5 < refused.retry_after <= 4.0
    refunded = await buckets.take("a", -50)
    assert refunded.allowed and refunded.remaining >= 80
    assert (await buckets.take("b", 100)).allowed  # its own bucket


async def test_a_forced_take_goes_below_zero(buckets: RedisBuckets) -> None:
    assert (await buckets.take("a", 90)).allowed
    charged = await buckets.take("a", 30, force=True)
    assert charged.allowed and -20.1 < charged.remaining < -19.9
    refused = await buckets.take("a", 10)
    assert not refused.allowed and 2.9 < refused.retry_after <= 3.0
    assert (await buckets.take("b", 1_000, force=True)).remaining == -100  # one bucket at most


async def test_limiter_uses_redis(buckets: RedisBuckets) -> None:
    limiter = RateLimiter(100, 10, buckets, timeout=1.0)
    await limiter.take("shared", 90)
    # A second limiter (another process) on the same Redis sees the same bucket.
    other = RateLimiter(100, 10, buckets, timeout=1.0)
    assert not (await other.take("shared", 90)).allowed


async def test_limiter_falls_back_in_process_when_redis_is_unreachable() -> None:
    # A port nothing listens on: connection refused, at once.
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RateLimiter(100, 10, RedisBuckets(client, 100, 10, "x:"), timeout=0.5)
    try:
        assert (await limiter.take("a", 60)).allowed
        assert not limiter.using_redis
        assert not (await limiter.take("a", 60)).allowed  # the local bucket counted the first
    finally:
        await limiter.close()
