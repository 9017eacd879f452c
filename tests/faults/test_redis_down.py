"""Redis stopped under a running app: rate limiting goes in-process; nothing fails."""

from __future__ import annotations

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
