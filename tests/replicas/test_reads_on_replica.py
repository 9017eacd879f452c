"""Reads go to the replica, writes to the primary, as the servers themselves report."""

from __future__ import annotations

import asyncio

from tests.replicas.apps import serving
from tests.replicas.conftest import PgPair
from tests.replicas.helpers import graphql, ran_here, replica_env

# A statement no other test sends: its SQL selects vehicles' plates.
QUERY = "{ drivers(first: 4) { nodes { name vehicle { plate } } } }"


async def _until_replica_ready(pair: PgPair, app: object) -> None:
    """Until a read lands on the replica: the app's first checks may find it a
    moment behind a primary that was just written to (a read then goes to the
    primary, as it should)."""
    warm_up = "{ drivers(first: 2) { nodes { vehicle { make } } } }"
    for _ in range(200):
        await graphql(app, warm_up)  # type: ignore[arg-type]
        if ran_here(pair.replica_sql, "make"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("reads never went to the replica")


async def test_queries_run_on_the_replica(pg_pair: PgPair) -> None:
    env = replica_env(pg_pair, RESPONSE_CACHE_ENABLED="false")
    async with serving(env) as app:
        await _until_replica_ready(pg_pair, app)
        seen_on_replica = 0
        for _ in range(20):  # the router's checks share the pool: a later one can hide it
            response = await graphql(app, QUERY)
            assert len(response.json()["data"]["drivers"]["nodes"]) == 4
            assert "consistency-token" not in response.headers
            seen_on_replica = ran_here(pg_pair.replica_sql, "plate")
            if seen_on_replica:
                break
        assert seen_on_replica >= 1
        assert ran_here(pg_pair.primary_sql, "plate") == 0


async def test_without_replicas_reads_stay_on_the_primary(pg_pair: PgPair) -> None:
    env = {"DATABASE_URL": pg_pair.primary_url, "RESPONSE_CACHE_ENABLED": "false"}
    async with serving(env) as app:
        await graphql(app, "{ drivers(first: 2) { nodes { region vehicle { model } } } }")
        assert ran_here(pg_pair.primary_sql, "model") >= 1
        assert ran_here(pg_pair.replica_sql, "model") == 0
