"""Two app processes on one Redis Cluster: the response cache, persisted queries and
rate limits are shared through it, and a master's failover is survived."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio.cluster import RedisCluster

from global_ids import encode_id
from tests.cluster.servers import RedisClusterNodes
from tests.limits.app import token
from tests.replicas.apps import serving

ADMIN = {"authorization": f"Bearer {token('cluster-tests', 'admin')}"}
RENAME = "mutation($input: UpdateDriverInput!) { updateDriver(input: $input) { driver { name } } }"
DRIVER = "query($id: ID!) { driver(id: $id) { id name } }"


def _env(cluster_db_url: str, nodes: RedisClusterNodes, prefix: str) -> dict[str, str]:
    return {
        "DATABASE_URL": cluster_db_url,
        "REDIS_URL": nodes.url,
        "REDIS_CLUSTER": "true",
        "RESPONSE_CACHE_KEY_PREFIX": prefix + "rc:",
        "PERSISTED_QUERIES_KEY_PREFIX": prefix + "pq:",
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_ANONYMOUS_BUCKET_SIZE": "100000",
        "RATE_LIMIT_ANONYMOUS_RESTORE_RATE": "0.001",
    }


@pytest.fixture
def prefix() -> str:
    return f"fleetgraph:test-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def apps(
    cluster_db_url: str, redis_cluster: RedisClusterNodes, prefix: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    env = _env(cluster_db_url, redis_cluster, prefix)
    async with serving(env) as app_a, serving(env) as app_b:
        yield app_a, app_b


async def _post(
    app: httpx.AsyncClient, body: dict[str, object], **headers: str
) -> dict[str, object]:
    response = await app.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    payload: dict[str, object] = response.json()
    assert "errors" not in payload, payload
    return payload


def _cache_status(payload: dict[str, object]) -> str:
    return payload["extensions"]["cache"]["status"]  # type: ignore[index,no-any-return]


async def test_cache_hits_and_invalidation_across_apps(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    app_a, app_b = apps
    query = {"query": DRIVER, "variables": {"id": encode_id("Driver", 2)}}
    assert _cache_status(await _post(app_a, query)) == "miss"
    hit = await _post(app_b, query)
    assert _cache_status(hit) == "hit"
    new_name = f"Clustered {uuid.uuid4().hex[:6]}"
    variables = {"input": {"id": encode_id("Driver", 2), "name": new_name}}
    await _post(app_b, {"query": RENAME, "variables": variables}, **ADMIN)
    fresh = await _post(app_a, query)  # invalidated by B's write
    assert _cache_status(fresh) == "miss"
    assert fresh["data"]["driver"]["name"] == new_name  # type: ignore[index]
    assert _cache_status(await _post(app_b, query)) == "hit"


async def test_persisted_query_registered_on_one_app_runs_on_the_other(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    app_a, app_b = apps
    text = f"{{ drivers(first: 2) {{ nodes {{ id }} }} }} # {uuid.uuid4().hex}"
    sha = hashlib.sha256(text.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    await _post(app_a, {"query": text, "extensions": extensions})
    by_hash = await _post(app_b, {"extensions": extensions})
    assert len(by_hash["data"]["drivers"]["nodes"]) == 2  # type: ignore[index]


async def test_rate_limit_bucket_shared_by_both_apps(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], redis_cluster: RedisClusterNodes
) -> None:
    app_a, app_b = apps
    # Two texts: the second is no cache hit, and both are charged.
    first = await _post(app_a, {"query": "{ drivers(first: 3) { nodes { name } } }"})
    second = await _post(app_b, {"query": "{ drivers(first: 4) { nodes { name } } }"})
    left = [p["extensions"]["cost"]["throttle"]["remaining"] for p in (first, second)]  # type: ignore[index]
    assert left[1] < left[0] < 100_000  # B took from the bucket A took from
    client = RedisCluster.from_url(redis_cluster.url)
    try:
        assert [key async for key in client.scan_iter(match="fleetgraph:rate:*")]
    finally:
        await client.aclose()


async def test_master_killed_mid_run_no_5xx_then_recovery(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
    redis_cluster: RedisClusterNodes,
    prefix: str,
) -> None:
    app_a, app_b = apps
    query = {"query": DRIVER, "variables": {"id": encode_id("Driver", 3)}}
    await _post(app_a, query)
    assert _cache_status(await _post(app_b, query)) == "hit"
    client = RedisCluster.from_url(redis_cluster.url)
    try:
        await client.initialize()
        # Every key of the response cache is in the slot of its prefix's hash tag.
        cache_key = "{" + prefix + "rc:}seq"
        assert await client.exists(cache_key)
        owner = client.get_node_from_key(cache_key).port
    finally:
        await client.aclose()
    statuses: list[int] = []

    async def load() -> None:
        for n in range(60):
            for app in (app_a, app_b):
                response = await app.post("/graphql", json=query)
                statuses.append(response.status_code)
                assert "errors" not in response.json(), response.text
            await asyncio.sleep(0.02 if n else 0)

    running = asyncio.create_task(load())
    await asyncio.sleep(0.3)
    redis_cluster.kill(owner)  # the master holding the response cache's slot
    await running
    assert set(statuses) == {200}, statuses
    await asyncio.to_thread(redis_cluster.wait_ok)
    assert owner not in redis_cluster.masters()
    # After the failover the cache is back: a fresh answer is stored, then hit.
    recovered = False
    for _ in range(100):
        payload = await _post(app_a, query)
        if _cache_status(payload) == "hit" and _cache_status(await _post(app_b, query)) == "hit":
            recovered = True
            break
        await asyncio.sleep(0.1)
    assert recovered, "the response cache did not come back after the failover"
