"""The Redis backend with local copies that Redis itself invalidates.

A hit on Redis costs a round trip, about as much CPU in this process as the
rest of the hit. With `RESPONSE_CACHE_LOCAL_COPIES` (on by default with
REDIS_URL), entries read from Redis are also kept here, in an LRU bounded in
bytes, and served from memory while the tracking connection
(cache/backends/tracking.py) is live: Redis pushes an invalidation for every
entry key that changes, whoever changed it, and each local hit first applies
the pushes already waiting on that socket.

Why a read after an acknowledged write is never stale: a write's
invalidation is one Lua script (cache/backends/redis.py); Redis queues its
pushes to every tracking connection while the script runs, before the
script's reply to the writer. By the time the writer has that reply, and its
client the mutation's answer, the push is on its way to (on one host: already
in) this process's socket, and a local hit drains the socket first. Across
hosts the push has one network hop to travel where the client's next request
has at least two. Copies are dropped when the connection is lost and not
used again until it is back; a copy is not kept if any push arrived while it
was being read from Redis.

Everything else (store, invalidate, single flight, the sequence) is the
Redis backend's, unchanged.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection

from cache.backends.base import Size
from cache.backends.redis import RedisBackend
from cache.backends.tracking import TrackingConnection
from cache.entry import Entry
from cache.metrics import LOCAL_HITS

_OVERHEAD = 512  # bytes per copy beyond its body


class NearCacheBackend:
    name = "redis"

    def __init__(self, redis: RedisBackend, url: str, *, max_bytes: int) -> None:
        self.redis = redis
        self.max_bytes = max_bytes
        self.size = 0
        self.local_hits = 0
        self._copies: OrderedDict[bytes, Entry] = OrderedDict()  # by Redis key
        self._pushes = 0  # invalidation pushes applied so far
        self.tracking = TrackingConnection(
            url, redis.prefix + "e:", on_invalidate=self._invalidated, on_lost=self._forget_all
        )

    def __len__(self) -> int:
        return len(self._copies)

    def peek(self, key: str) -> Entry | None:
        """The local copy, if the tracking connection is live (pushes applied first)."""
        if not self.tracking.is_live():
            return None
        redis_key = (self.redis.prefix + "e:" + key).encode()
        copy = self._copies.get(redis_key)
        if copy is None:
            return None
        if copy.expires_at <= time.time():
            self._drop(redis_key)
            return None
        self._copies.move_to_end(redis_key)
        self.local_hits += 1
        LOCAL_HITS.inc()
        return copy

    async def get(self, key: str) -> Entry | None:
        """From Redis; kept as a local copy when nothing changed meanwhile."""
        redis_key = (self.redis.prefix + "e:" + key).encode()
        live = self.tracking.is_live()
        pushes = self._pushes
        entry = await self.redis.get(key)
        # A push applied meanwhile may be about this very key: then the copy could
        # already be stale, so it is not kept (the next read asks Redis again).
        if entry is not None and live and self.tracking.is_live() and self._pushes == pushes:
            self._keep(redis_key, entry)
        return entry

    async def sequence(self) -> int:
        return await self.redis.sequence()

    async def put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, wal: int | None = None
    ) -> bool:
        return await self.redis.put(key, entry, tags, since, wal)

    async def invalidate(self, tags: Collection[str], wal: int = 0) -> int:
        dropped = await self.redis.invalidate(tags, wal)
        self.tracking.is_live()  # apply this write's own pushes at once
        return dropped

    async def invalidate_all(self) -> int:
        dropped = await self.redis.invalidate_all()
        # Copies whose key a push has not reached yet must not outlive the clear.
        self._forget_all()
        return dropped

    async def tags_under(self, prefix: str) -> list[str]:
        return await self.redis.tags_under(prefix)

    async def usage(self) -> Size:
        return await self.redis.usage()  # the shared entries; copies are extra reads of them

    async def lock(self, key: str, seconds: float) -> bool:
        return await self.redis.lock(key, seconds)

    async def unlock(self, key: str) -> None:
        await self.redis.unlock(key)

    async def close(self) -> None:
        await self.tracking.close()
        self._forget_all()
        await self.redis.close()

    # -- the copies ---------------------------------------------------------------

    def _keep(self, redis_key: bytes, entry: Entry) -> None:
        cost = entry.held_bytes() + _OVERHEAD
        if cost > self.max_bytes:
            return
        self._drop(redis_key)
        self._copies[redis_key] = entry
        self.size += cost
        while self.size > self.max_bytes:
            self._drop(next(iter(self._copies)))

    def _drop(self, redis_key: bytes) -> None:
        entry = self._copies.pop(redis_key, None)
        if entry is not None:
            self.size -= entry.held_bytes() + _OVERHEAD

    def _invalidated(self, keys: list[bytes] | None) -> None:
        self._pushes += 1
        if keys is None:
            self._forget_all()
            return
        for redis_key in keys:
            self._drop(redis_key)

    def _forget_all(self) -> None:
        # Counts as a push: a read from Redis in flight across a lost connection
        # may have missed the invalidation of what it read, so it keeps no copy.
        self._pushes += 1
        self._copies.clear()
        self.size = 0
