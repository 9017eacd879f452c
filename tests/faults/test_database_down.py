"""PostgreSQL stopped under a running app: 503 SERVICE_UNAVAILABLE at once, then recovery."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx

from tests.faults.servers import PgCluster
from tests.limits.app import GRAPHQL_RESPONSE, app_client, codes, token

QUERY = "query($n: Int) { drivers(first: $n) { nodes { id name } } }"
sizes = itertools.count(1)  # a new variable per request: never a response-cache hit


async def read(http: httpx.AsyncClient, accept: str = GRAPHQL_RESPONSE) -> httpx.Response:
    n = next(sizes) % 50 + 1
    return await http.post(
        "/graphql", json={"query": QUERY, "variables": {"n": n}}, headers={"accept": accept}
    )


async def test_database_down_fails_fast_and_the_pool_recovers(pg_cluster: PgCluster) -> None:
    async with app_client(pg_cluster.url("fleetgraph"), rate_limit_enabled=False) as http:
        assert (await read(http)).status_code == 200
        pg_cluster.stop()
        try:
            for accept in (GRAPHQL_RESPONSE, "application/json"):
                started = time.perf_counter()
                down = await read(http, accept)
                assert time.perf_counter() - started < 1.0
                assert down.status_code == 503, down.text
                assert codes(down.json()) == ["SERVICE_UNAVAILABLE"]
                assert "data" not in down.json()  # no partial answer during an outage
                assert "reference" in down.json()["errors"][0]["extensions"]
            write = await http.post(
                "/graphql",
                json={
                    "query": "mutation($i: CreateDriverInput!) { createDriver(input: $i) "
                    "{ driver { id } } }",
                    "variables": {
                        "i": {"name": "Outage", "email": "outage@example.com", "region": "north"}
                    },
                },
                headers={"authorization": f"Bearer {token('ops', role='admin')}"},
            )
            assert write.status_code == 503, write.text
            assert codes(write.json()) == ["SERVICE_UNAVAILABLE"]
            assert (await http.get("/ready")).status_code == 503
        finally:
            pg_cluster.start()
        # The same app, no restart: the pools reconnect by themselves.
        deadline = time.monotonic() + 10
        while True:
            response = await read(http)
            if response.status_code == 200 and "errors" not in response.json():
                break
            assert time.monotonic() < deadline, response.text
            await asyncio.sleep(0.1)
        assert (await http.get("/ready")).status_code == 200
