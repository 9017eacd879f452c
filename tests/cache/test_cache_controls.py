"""Operator cache controls: `invalidateResponseCache` and `responseCacheStats`, on
both backends, for admins only; the per-operation counters on /metrics."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from cache.bulk_load import invalidate_everything
from global_ids import decode_id_of
from tests.cache.client import ADMIN, CacheClient, Json, bearer, counter, status

INVALIDATE = """mutation($input: InvalidateResponseCacheInput!) {
  invalidateResponseCache(input: $input) { droppedEntries invalidatedTags } }"""
STATS = """{ responseCacheStats { backend entries bytes
  operations { operationName hits misses bypasses hitRatio } } }"""
DRIVER = "query Driver($id: ID!) { driver(id: $id) { id name } }"
DRIVERS = "query Drivers { drivers(first: 3) { nodes { id name } } }"
SEASONS = "query Seasons { seasons(first: 2) { nodes { id name } } }"


async def invalidate(client: CacheClient, **target: Any) -> Json:
    result: Json = (await client.data(INVALIDATE, {"input": target}, ADMIN))[
        "invalidateResponseCache"
    ]
    return result


async def cached(client: CacheClient, query: str, variables: Json | None = None) -> str:
    """The cache status of one request, after making sure the answer is stored."""
    await client.post(query, variables)
    return status(await client.post(query, variables))


async def driver_ids(client: CacheClient) -> list[str]:
    nodes = (await client.data("{ drivers(first: 2) { nodes { id } } }"))["drivers"]["nodes"]
    return [node["id"] for node in nodes]


def codes(body: Json) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "UNAUTHENTICATED"), (bearer("reader"), "FORBIDDEN")],
    ids=["anonymous", "reader"],
)
async def test_refused_without_the_admin_role(
    client: CacheClient, headers: dict[str, str], code: str
) -> None:
    assert await cached(client, SEASONS) == "hit"
    mutation = await client.post(INVALIDATE, {"input": {"everything": True}}, headers)
    assert codes(mutation.json()) == [code]
    assert status(await client.post(SEASONS)) == "hit"  # nothing was dropped
    assert codes((await client.post(STATS, headers=headers)).json()) == [code]


async def test_everything(client: CacheClient) -> None:
    assert await cached(client, SEASONS) == "hit"
    assert await cached(client, DRIVERS) == "hit"
    response = await client.post(INVALIDATE, {"input": {"everything": True}}, ADMIN)
    result = response.json()["data"]["invalidateResponseCache"]
    assert result["droppedEntries"] >= 2 and result["invalidatedTags"] == []
    assert response.json()["extensions"]["cache"]["invalidation"] == "ok"
    assert status(await client.post(SEASONS)) == "miss"
    assert status(await client.post(DRIVERS)) == "miss"
    assert status(await client.post(DRIVERS)) == "hit"  # stored again afterwards


@pytest.mark.parametrize("form", ["type:id", "global id"])
async def test_one_object(client: CacheClient, form: str) -> None:
    first, second = await driver_ids(client)
    await invalidate(client, everything=True)
    assert await cached(client, DRIVER, {"id": first}) == "hit"
    assert await cached(client, DRIVER, {"id": second}) == "hit"
    entity = f"Driver:{decode_id_of(first, 'Driver')}" if form == "type:id" else first
    result = await invalidate(client, entities=[entity])
    assert result == {
        "droppedEntries": 1,
        "invalidatedTags": [f"Driver:{decode_id_of(first, 'Driver')}"],
    }
    assert status(await client.post(DRIVER, {"id": first})) == "miss"
    assert status(await client.post(DRIVER, {"id": second})) == "hit"


async def test_a_type(client: CacheClient) -> None:
    [first, _] = await driver_ids(client)
    await invalidate(client, everything=True)
    assert await cached(client, DRIVER, {"id": first}) == "hit"
    assert await cached(client, DRIVERS) == "hit"
    assert await cached(client, SEASONS) == "hit"
    result = await invalidate(client, types=["Driver"])
    assert result["droppedEntries"] == 2
    assert {"Driver", "Driver:list", f"Driver:{decode_id_of(first, 'Driver')}"} <= set(
        result["invalidatedTags"]
    )
    assert status(await client.post(DRIVER, {"id": first})) == "miss"
    assert status(await client.post(DRIVERS)) == "miss"
    assert status(await client.post(SEASONS)) == "hit"


async def test_a_list_tag(client: CacheClient) -> None:
    await invalidate(client, everything=True)
    assert await cached(client, DRIVERS) == "hit"
    assert await cached(client, SEASONS) == "hit"
    result = await invalidate(client, listTags=["Season:list"])
    assert result == {"droppedEntries": 1, "invalidatedTags": ["Season:list"]}
    assert status(await client.post(SEASONS)) == "miss"
    assert status(await client.post(DRIVERS)) == "hit"


@pytest.mark.parametrize(
    "target",
    [
        {},
        {"everything": True, "types": ["Driver"]},
        {"types": ["Leaderboard"]},
        {"types": ["driver"]},
        {"entities": ["Driver:x"]},
        {"entities": ["Nope:1"]},
        {"listTags": ["Driver"]},
        {"listTags": ["Leaderboard:1x"]},
        {"entities": [f"Driver:{n}" for n in range(1, 102)]},
    ],
)
async def test_bad_input_is_refused(client: CacheClient, target: Json) -> None:
    assert await cached(client, SEASONS) == "hit"
    response = await client.post(INVALIDATE, {"input": target}, ADMIN)
    assert codes(response.json()) == ["BAD_USER_INPUT"]
    assert status(await client.post(SEASONS)) == "hit"


async def test_stats_per_operation(client: CacheClient) -> None:
    await invalidate(client, everything=True)
    name = f"Stats{uuid.uuid4().hex[:8]}"
    query = f"query {name} {{ seasons(first: 3) {{ nodes {{ name }} }} }}"
    for _ in range(4):
        await client.post(query)  # one miss, three hits
    body = await client.post(STATS, headers=ADMIN)
    assert status(body) == "bypass"  # never cached itself
    stats = body.json()["data"]["responseCacheStats"]
    assert stats["backend"] == client.backend
    assert stats["entries"] >= 1 and stats["bytes"] > 0
    [mine] = [op for op in stats["operations"] if op["operationName"] == name]
    assert mine == {
        "operationName": name,
        "hits": 3,
        "misses": 1,
        "bypasses": 0,
        "hitRatio": 0.75,
    }
    name_counter = "fleetgraph_response_cache_operation_requests_total"
    assert counter(name_counter, operation=name, result="hit") == 3
    assert counter(name_counter, operation=name, result="miss") == 1
    metrics = (await client.http.get("/metrics")).text
    assert f'{name_counter}{{operation="{name}",result="hit"}} 3.0' in metrics


async def test_stats_count_the_entries(client: CacheClient) -> None:
    await invalidate(client, everything=True)
    empty = (await client.data(STATS, headers=ADMIN))["responseCacheStats"]
    assert (empty["entries"], empty["bytes"]) == (0, 0)
    await cached(client, SEASONS)
    await cached(client, DRIVERS)
    stats = (await client.data(STATS, headers=ADMIN))["responseCacheStats"]
    assert stats["entries"] == 2 and stats["bytes"] > 0


async def test_a_bulk_load_drops_every_answer(client: CacheClient) -> None:
    """What `fleetgraph seed` runs once its data is in (cli/main.py)."""
    assert await cached(client, DRIVERS) == "hit"
    dropped = await invalidate_everything(client.settings)
    if client.backend == "memory":
        assert dropped is None  # not reachable from another process: the CLI says so
        return
    assert dropped is not None and dropped >= 1
    assert status(await client.post(DRIVERS)) == "miss"
