"""The test bed itself: three masters with a replica each, all slots served."""

from __future__ import annotations

from redis.asyncio.cluster import RedisCluster

from tests.cluster.servers import RedisClusterNodes


async def test_cluster_spreads_keys_over_three_masters(redis_cluster: RedisClusterNodes) -> None:
    assert len(redis_cluster.masters()) == 3
    client = RedisCluster.from_url(redis_cluster.url)
    try:
        for n in range(30):
            await client.set(f"bed:{n}", n)
        nodes = {client.get_node_from_key(f"bed:{n}").name for n in range(30)}
        assert len(nodes) == 3
        assert await client.get("bed:7") == b"7"
    finally:
        await client.aclose()
