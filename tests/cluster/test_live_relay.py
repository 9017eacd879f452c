"""Live queries' changes between processes over a Redis Cluster: two relays (as two
app processes have) on the cluster, the node the URL names killed, and the
changes flowing again through another node, with a resync for what was missed."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

from live.bus import Change, ChangeBus
from live.cluster_nodes import node_addresses, node_urls
from live.redis_relay import RedisRelay
from tests.cluster.servers import RedisClusterNodes


async def _until(event: asyncio.Event, within: float = 20.0) -> None:
    await asyncio.wait_for(event.wait(), timeout=within)


async def _delivered(bus: ChangeBus, publish: ChangeBus, tag: str, within: float = 30.0) -> None:
    """Publish `tag` on `publish` until `bus` hears it (a relay may be reconnecting)."""
    heard = asyncio.Event()

    def listener(change: Change) -> None:
        if tag in change.tags:
            heard.set()

    bus.listen(listener)
    try:
        async with asyncio.timeout(within):
            while not heard.is_set():
                publish.publish([tag])
                try:
                    await asyncio.wait_for(heard.wait(), timeout=0.5)
                except TimeoutError:
                    continue
    finally:
        bus.forget(listener)


async def test_changes_follow_the_cluster_through_the_loss_of_the_named_node(
    redis_cluster: RedisClusterNodes,
) -> None:
    channel = f"fleetgraph:test-live-{uuid.uuid4().hex[:8]}"
    bus_a, bus_b = ChangeBus(), ChangeBus()
    relay_a = RedisRelay(redis_cluster.url, channel, bus_a, 0.2, cluster=True)
    relay_b = RedisRelay(redis_cluster.url, channel, bus_b, 0.2, cluster=True)
    resyncs: list[Change] = []
    bus_b.listen(lambda change: resyncs.append(change) if change.resync else None)
    relay_a.start()
    relay_b.start()
    named = urlsplit(redis_cluster.url).port
    assert named is not None
    try:
        await _until(relay_a.subscribed)
        await _until(relay_b.subscribed)
        await _delivered(bus_b, bus_a, "Driver:1")

        redis_cluster.kill(named)  # the node REDIS_URL names
        await _delivered(bus_b, bus_a, "Driver:2")  # through another node
        assert resyncs, "the subscriber that lost its node was not told to resync"
        assert relay_b.up
    finally:
        await relay_a.close()
        await relay_b.close()
        redis_cluster.start_node(named)  # back (as a replica) for the tests after this one
        redis_cluster.wait_ok()


def test_node_urls_keep_the_url_and_list_every_other_node() -> None:
    text = (
        "a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460\n"
        "b2 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-10922\n"
        "c3 127.0.0.1:7003@17003 master,fail - 0 0 3 disconnected\n"
    )
    addresses = node_addresses(text)
    assert addresses == ["127.0.0.1:7001", "127.0.0.1:7002"]
    assert node_urls("redis://:secret@127.0.0.1:7001/0", addresses) == [
        "redis://:secret@127.0.0.1:7001/0",
        "redis://:secret@127.0.0.1:7002/0",
    ]
    assert node_addresses({"127.0.0.1:7001": {}, "127.0.0.1:7002": {}}) == addresses
