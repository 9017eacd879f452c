"""Redis stopped under a running app: rate limiting goes in-process; nothing fails."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

from tests.faults.servers import PgCluster, RedisServer
from tests.limits.app import app_client


async def test_rate_limit_falls_back_when_redis_stops(
    pg_cluster: PgCluster, redis_server: RedisServer
) -> None:
    async with app_client(
        pg_cluster.url("fleetgraph"), redis_url=redis_server.url, rate_limit_bucket_size=1_000
    ) as http:
        first = await http.post(
            "/graphql", json={"query": "{ drivers(first: 3) { nodes { id } } }"}
        )
        assert first.status_code == 200
        assert first.json()["extensions"]["cost"]["throttle"]["remaining"] == 997
        async with Redis.from_url(redis_server.url) as redis:
            assert [key async for key in redis.scan_iter(match="fleetgraph:rate:*")]
        redis_server.stop()
        try:
            for n in (4, 5):  # new texts: no response-cache hit
                started = time.perf_counter()
                response = await http.post(
                    "/graphql", json={"query": f"{{ drivers(first: {n}) {{ nodes {{ name }} }} }}"}
                )
                assert time.perf_counter() - started < 2.0
                assert response.status_code == 200, response.text
                assert "errors" not in response.json()
                assert "throttle" in response.json()["extensions"]["cost"]
        finally:
            redis_server.start()


async def test_a_hanging_redis_costs_one_short_timeout(
    pg_cluster: PgCluster, redis_server: RedisServer
) -> None:
    async with app_client(
        pg_cluster.url("fleetgraph"),
        redis_url=redis_server.url,
        rate_limit_redis_timeout=0.1,
        persisted_queries="off",
    ) as http:
        assert (await http.post("/graphql", json={"query": "{ activeSeason { id } }"})).is_success
        async with Redis.from_url(redis_server.url) as redis:
            hang = asyncio.create_task(redis.execute_command("DEBUG", "SLEEP", "2"))
            await asyncio.sleep(0.2)  # Redis is now stuck for ~2 s
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": "{ seasons { totalCount } }"})
            elapsed = time.perf_counter() - started
            await hang
        assert response.status_code == 200, response.text
        assert "throttle" in response.json()["extensions"]["cost"]
        # The limiter gave up after its 0.1 s; the response cache has its own timeout.
        assert elapsed < 1.5
