"""A replica that goes down, or falls behind, is skipped until it is back in step."""

from __future__ import annotations

import asyncio

from tests.replicas.apps import serving
from tests.replicas.conftest import PgPair
from tests.replicas.helpers import graphql, ran_here, replica_env

PLATES = "{ drivers(first: 3) { nodes { vehicle { plate year } } } }"
MAKES = "{ drivers(first: 3) { nodes { vehicle { make year } } } }"
MODELS = "{ drivers(first: 3) { nodes { vehicle { model year } } } }"


async def _until_on_replica(pair: PgPair, app: object, query: str, marker: str) -> None:
    """Query until the replica reports running it (the next check found it back)."""
    for _ in range(200):
        await graphql(app, query)  # type: ignore[arg-type]
        if ran_here(pair.replica_sql, marker):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("reads never went back to the replica")


async def _until_on_primary(pair: PgPair, app: object, query: str, marker: str) -> None:
    """Query until the primary reports running it (the app's checks found the lag)."""
    for _ in range(200):
        await graphql(app, query)  # type: ignore[arg-type]
        if ran_here(pair.primary_sql, marker):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("reads never left the lagging replica")


async def test_killed_replica_and_its_return(pg_pair: PgPair) -> None:
    env = replica_env(pg_pair, RESPONSE_CACHE_ENABLED="false")
    async with serving(env) as app:
        await _until_on_replica(pg_pair, app, PLATES, "plate")  # once the first checks ran
        pg_pair.replica.stop("immediate")
        try:
            on_primary = 0
            for _ in range(20):  # no error: reads go to the primary
                response = await graphql(app, MAKES)
                assert len(response.json()["data"]["drivers"]["nodes"]) == 3
                # The router's checks share the pool: a later statement can hide one.
                on_primary = max(on_primary, ran_here(pg_pair.primary_sql, "make"))
            assert on_primary >= 1
        finally:
            pg_pair.replica.start()
        pg_pair.wait_replayed()
        await _until_on_replica(pg_pair, app, MODELS, "model")


async def test_lagging_replica_is_skipped(pg_pair: PgPair) -> None:
    env = replica_env(pg_pair, RESPONSE_CACHE_ENABLED="false", DATABASE_REPLICA_MAX_LAG_SECONDS="1")
    async with serving(env) as app:
        pg_pair.replica_sql("SELECT pg_wal_replay_pause()")
        try:
            pg_pair.primary_sql("CREATE TABLE lag_marker (n int); DROP TABLE lag_marker")
            # Past the 1 s limit by the app's own checks (every 0.5 s): however long
            # that takes on a busy machine, reads then leave the replica.
            await _until_on_primary(pg_pair, app, MODELS, "model")
            on_primary = 0
            for _ in range(5):  # a later statement on a session hides an earlier one
                await graphql(app, "{ drivers(first: 3) { nodes { region createdAt } } }")
                on_primary = max(on_primary, ran_here(pg_pair.primary_sql, "created_at"))
            assert on_primary >= 1
            assert ran_here(pg_pair.replica_sql, "created_at") == 0
        finally:
            pg_pair.replica_sql("SELECT pg_wal_replay_resume()")
        pg_pair.wait_replayed()
        await _until_on_replica(pg_pair, app, "{ drivers(first: 3) { nodes { email } } }", "email")
