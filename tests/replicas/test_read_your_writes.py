"""With replay paused on the replica: a write through app A is seen through app B by
the client that sends back its consistency token, and no cached answer goes stale."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.replicas.apps import serving
from tests.replicas.conftest import PgPair
from tests.replicas.helpers import driver_name, rename, replica_env
from tests.services import redis_url


@pytest.fixture
def paused(pg_pair: PgPair) -> Iterator[PgPair]:
    pg_pair.wait_replayed()
    pg_pair.replica_sql("SELECT pg_wal_replay_pause()")
    try:
        yield pg_pair
    finally:
        pg_pair.replica_sql("SELECT pg_wal_replay_resume()")
        pg_pair.wait_replayed()


def _env(pair: PgPair, prefix: str) -> dict[str, str]:
    # Lag allowed long enough that the paused replica keeps serving reads.
    return replica_env(
        pair,
        DATABASE_REPLICA_MAX_LAG_SECONDS="120",
        REDIS_URL=redis_url(),
        RESPONSE_CACHE_KEY_PREFIX=prefix,
        PERSISTED_QUERIES_KEY_PREFIX=prefix + "pq:",
    )


async def test_token_reads_the_write_through_another_app(paused: PgPair) -> None:
    env = _env(paused, f"fleetgraph:test-ryw-{uuid.uuid4().hex[:8]}:")
    async with serving(env) as app_a, serving(env) as app_b:
        before = await driver_name(app_b)
        new_name = f"Renamed {uuid.uuid4().hex[:6]}"
        token = await rename(app_a, new_name)
        # Without the token, B reads the paused replica: the write is not there yet.
        assert await driver_name(app_b, **{"cache-control": "no-cache"}) == before
        # With it, B reads a server that has the write (the primary, replay being paused).
        assert await driver_name(app_b, **{"consistency-token": token}) == new_name
        assert await driver_name(app_a, **{"consistency-token": token}) == new_name
        # A garbled token reads the primary: never older than the truth.
        assert await driver_name(app_b, **{"consistency-token": "not-a-token"}) == new_name
        paused.replica_sql("SELECT pg_wal_replay_resume()")
        paused.wait_replayed()
        assert await driver_name(app_b, **{"consistency-token": token}) == new_name


async def test_no_stale_cached_answer_after_a_write(paused: PgPair) -> None:
    env = _env(paused, f"fleetgraph:test-rc-{uuid.uuid4().hex[:8]}:")
    async with serving(env) as app_a, serving(env) as app_b:
        before = await driver_name(app_b)  # computed from the replica and cached
        assert await driver_name(app_a) == before
        new_name = f"Renamed {uuid.uuid4().hex[:6]}"
        await rename(app_a, new_name)  # invalidates the cached answer
        # Computed again from the paused replica (old data): it must not be stored.
        assert await driver_name(app_b) == before
        assert await driver_name(app_a) == before
        paused.replica_sql("SELECT pg_wal_replay_resume()")
        paused.wait_replayed()
        # Had the replica's old answer been stored, it would be served here for its max-age.
        assert await driver_name(app_b) == new_name
        assert await driver_name(app_a) == new_name
