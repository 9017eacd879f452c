"""Reads go to the replica, writes to the primary, as the servers themselves report."""

from __future__ import annotations

from tests.replicas.apps import serving
from tests.replicas.conftest import PgPair
from tests.replicas.helpers import graphql, ran_here, replica_env

# A statement no other test sends: its SQL selects vehicles' plates.
QUERY = "{ drivers(first: 4) { nodes { name vehicle { plate } } } }"


async def test_queries_run_on_the_replica(pg_pair: PgPair) -> None:
    env = replica_env(pg_pair, RESPONSE_CACHE_ENABLED="false")
    async with serving(env) as app:
        for _ in range(3):
            response = await graphql(app, QUERY)
            assert len(response.json()["data"]["drivers"]["nodes"]) == 4
        assert "consistency-token" not in response.headers
        assert ran_here(pg_pair.replica_sql, "plate") >= 1
        assert ran_here(pg_pair.primary_sql, "plate") == 0


async def test_without_replicas_reads_stay_on_the_primary(pg_pair: PgPair) -> None:
    env = {"DATABASE_URL": pg_pair.primary_url, "RESPONSE_CACHE_ENABLED": "false"}
    async with serving(env) as app:
        await graphql(app, "{ drivers(first: 2) { nodes { region vehicle { model } } } }")
        assert ran_here(pg_pair.primary_sql, "model") >= 1
        assert ran_here(pg_pair.replica_sql, "model") == 0
