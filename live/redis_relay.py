"""Changes between processes and hosts: Redis pub/sub, when REDIS_URL is set.

Each process publishes its writes' tags on one channel (tagged with its own
origin, so it skips its own messages: the bus delivered them locally already)
and delivers the others' to its bus. While Redis is down, live queries keep
working within each process; writes elsewhere are missed. When the subscription
comes back, the process delivers a resync: every live query recomputes and sends
a fresh full payload, as updates may have been missed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque

import orjson
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from db.redis_client import redis_client
from live import metrics
from live.bus import Change, ChangeBus
from live.cluster_nodes import node_addresses, node_urls

log = logging.getLogger("fleetgraph.live")
MAX_PENDING = 10_000  # changes waiting to be published; older ones dropped past it


class RedisRelay:
    def __init__(
        self, url: str, channel: str, bus: ChangeBus, retry: float, *, cluster: bool = False
    ) -> None:
        self.url, self.channel, self.bus, self.retry = url, channel, bus, retry
        # REDIS_CLUSTER: any node will do (pub/sub is cluster-wide); these are the
        # nodes to try, the configured one first (live/cluster_nodes.py).
        self.cluster = cluster
        self._nodes = [url]
        self.origin = uuid.uuid4().hex
        self.up = False
        self._pending: deque[frozenset[str]] = deque(maxlen=MAX_PENDING)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.subscribed = asyncio.Event()  # set while the subscription is live (tests)

    def send(self, tags: frozenset[str]) -> None:
        self._pending.append(tags)
        self._wake.set()

    def start(self) -> None:
        self.bus.relay = self
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._publish())]

    async def close(self) -> None:
        self.bus.relay = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _connect(self, give_up_after: float) -> Redis:
        """A client on a node that answers; without a cluster, the configured one."""
        if not self.cluster:
            return redis_client(self.url, timeout=give_up_after)
        failure: BaseException | None = None
        for url in list(self._nodes):
            client = redis_client(url, timeout=give_up_after)
            try:
                reply = await client.cluster("NODES")
            except (RedisError, OSError) as exc:
                await client.aclose()
                failure = exc
                continue
            self._nodes = node_urls(url, node_addresses(reply))
            return client
        raise RedisConnectionError("no node of the Redis Cluster answers") from failure

    async def _publish(self) -> None:
        client: Redis | None = None
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._pending:
                    tags = self._pending.popleft()
                    body = orjson.dumps({"o": self.origin, "t": sorted(tags)})
                    try:
                        client = client or await self._connect(1.0)
                        await client.publish(self.channel, body)
                    except (RedisError, OSError) as exc:  # down: the others resync later
                        log.warning("live relay: publish failed: %r", exc)
                        if client is not None and self.cluster:  # try another node next
                            await client.aclose()
                            client = None
        finally:
            if client is not None:
                await client.aclose()

    async def _listen(self) -> None:
        was_down = False
        while True:
            client: Redis | None = None
            try:
                client = await self._connect(5.0)
                await self._subscription(client, resync=was_down)
            except (RedisError, OSError) as exc:
                if self.up or not was_down:
                    log.warning("live relay: Redis unavailable: %r", exc)
                was_down = True
            finally:
                self._down()
                if client is not None:
                    await client.aclose()
            await asyncio.sleep(self.retry)

    async def _subscription(self, client: Redis, *, resync: bool) -> None:
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(self.channel)
            self.up = True
            self.subscribed.set()
            metrics.RELAY.set(1)
            if resync:
                log.info("live relay: Redis is back; live queries resync")
                self.bus.deliver(Change(frozenset(), resync=True))
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None:
                    self._received(message.get("data"))

    def _received(self, data: object) -> None:
        try:
            body = orjson.loads(data) if isinstance(data, bytes | str) else None
        except orjson.JSONDecodeError:
            return
        if isinstance(body, dict) and body.get("o") != self.origin:
            tags = body.get("t")
            if isinstance(tags, list):
                self.bus.deliver(Change(frozenset(str(t) for t in tags)))

    def _down(self) -> None:
        self.up = False
        self.subscribed.clear()
        metrics.RELAY.set(0)
