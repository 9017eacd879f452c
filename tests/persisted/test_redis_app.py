"""The app on the Redis store: the APQ handshake shared across app instances, and
fail-open when Redis does not answer."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from config import Settings
from persisted import RedisStore, create_store, sha256_hex
from tests.persisted.client import (
    QUERY,
    assert_ran,
    code_of,
    hash_only,
    serving,
    settings_for,
    with_query,
)
from tests.services import redis_url

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


async def test_handshake_is_shared_across_processes(
    seeded_db_url: str, redis_store: RedisStore, redis_prefix: str
) -> None:
    settings = settings_for(
        seeded_db_url, redis_url=redis_url(), persisted_queries_key_prefix=redis_prefix
    )
    async with serving(settings) as first, serving(settings) as second:
        miss = await first.post("/graphql", json=hash_only())
        assert (miss.status_code, code_of(miss)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        assert_ran(await first.post("/graphql", json=with_query()))
        assert_ran(await second.post("/graphql", json=hash_only()))
    assert await redis_store.get(hash_only()["extensions"]["persistedQuery"]["sha256Hash"]) == QUERY


async def test_redis_down_fails_open(seeded_db_url: str) -> None:
    settings = settings_for(seeded_db_url, redis_url=UNREACHABLE_REDIS)
    started = time.monotonic()
    async with serving(settings) as http:
        miss = await http.post("/graphql", json=hash_only())
        assert (miss.status_code, code_of(miss)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        assert_ran(await http.post("/graphql", json=with_query()))  # registration skipped
        again = await http.post("/graphql", json=hash_only())
        assert (again.status_code, code_of(again)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        assert_ran(await http.post("/graphql", json={"query": QUERY}))
    assert time.monotonic() - started < 5


async def test_redis_down_in_trusted_mode_fails_closed(seeded_db_url: str) -> None:
    settings = settings_for(seeded_db_url, redis_url=UNREACHABLE_REDIS, persisted_queries="trusted")
    async with serving(settings) as http:
        response = await http.post("/graphql", json=hash_only())
        assert (response.status_code, code_of(response)) == (
            503,
            "PERSISTED_QUERY_STORE_UNAVAILABLE",
        )


async def test_registrations_expire_by_default(
    seeded_db_url: str, redis_store: RedisStore, redis_prefix: str
) -> None:
    settings = settings_for(
        seeded_db_url, redis_url=redis_url(), persisted_queries_key_prefix=redis_prefix
    )
    async with serving(settings) as http:
        assert_ran(await http.post("/graphql", json=with_query()))
    async with Redis.from_url(redis_url()) as client:
        ttl = await client.ttl(f"{redis_prefix}{sha256_hex(QUERY)}")
    assert 29 * 86400 < ttl <= 30 * 86400  # PERSISTED_QUERIES_TTL_SECONDS: 30 days


async def test_a_ttl_of_zero_means_never() -> None:
    store = create_store(Settings(redis_url=redis_url(), persisted_queries_ttl_seconds=0))
    try:
        assert isinstance(store, RedisStore) and store.ttl_seconds is None
    finally:
        await store.close()
