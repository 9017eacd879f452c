"""The Redis backend: entries, tag sets and invalidation shared by every process.

Layout under the prefix (default `fleetgraph:rc:`): `e:<key>` an entry
(expires with its max age), `t:<tag>` the set of keys carrying a tag,
`v:<tag>` the sequence of the tag's last invalidation (kept for the
invalidation window), `seq` the invalidation counter, `born` the sequence
the records start at, `l:<key>` the single-flight lock. Store and
invalidate are Lua scripts, so each is atomic against the other: an entry
is either refused (its tag moved on since its computation started, or the
records it would be checked against were lost since) or indexed before the
invalidation deletes it. `w:<tag>` is the primary's WAL position at the tag's
last invalidation (read replicas): an answer read from a replica that had not
replayed that far is refused too.

The scripts name keys they build themselves. On a Redis Cluster the prefix
carries a hash tag (`{fleetgraph:rc:}`, cache/factory.py), so every key of the
cache is in one slot and each script's keys (declared: the `seq` key, which
routes the call) live on one node.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Collection

from redis.asyncio import Redis

from cache.backends.base import INVALIDATION_WINDOW, Size
from cache.entry import Entry
from db.redis_client import redis_client

DEFAULT_PREFIX = "fleetgraph:rc:"
_SCAN_BATCH = 500

# Sequence numbers follow Redis's clock: each invalidation takes the larger of
# the last one plus one and the current time in microseconds (exact in Lua's
# doubles until the year 2255, written with %d so no digit is lost), and `born`
# is the sequence this Redis's records start at. A Redis that restarted or was
# flushed starts again at its current time, above every number handed out
# before, and with a new `born`: a computation whose `since` predates it may
# have missed an invalidation whose record is lost, so it is refused.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000000 + tonumber(t[2])"

_STORE = """
local p, key, ttl, since = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
local wal = tonumber(ARGV[6])
local born = redis.call('GET', p .. 'born')
if not born or tonumber(born) > since then return 0 end
for i = 7, #ARGV do
  local v = redis.call('GET', p .. 'v:' .. ARGV[i])
  if v and tonumber(v) > since then return 0 end
  if wal >= 0 then
    local w = redis.call('GET', p .. 'w:' .. ARGV[i])
    if w and tonumber(w) > wal then return 0 end
  end
end
redis.call('SET', p .. 'e:' .. key, ARGV[3], 'PX', ttl)
for i = 7, #ARGV do
  local t = p .. 't:' .. ARGV[i]
  redis.call('SADD', t, key)
  if redis.call('PTTL', t) < ttl then redis.call('PEXPIRE', t, ttl) end
end
return 1
"""

_INVALIDATE = (
    _NOW
    + """
local p, window, wal = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local last = redis.call('GET', p .. 'seq')
local seq = now
if last and tonumber(last) + 1 > now then seq = tonumber(last) + 1 end
seq = string.format('%d', seq)
redis.call('SET', p .. 'seq', seq)
if not last then redis.call('SET', p .. 'born', seq) end
local dropped = 0
for i = 4, #ARGV do
  redis.call('SET', p .. 'v:' .. ARGV[i], seq, 'PX', window)
  if wal > 0 then
    local w = redis.call('GET', p .. 'w:' .. ARGV[i])
    if not w or tonumber(w) < wal then
      redis.call('SET', p .. 'w:' .. ARGV[i], string.format('%d', wal), 'PX', window)
    end
  end
  local t = p .. 't:' .. ARGV[i]
  local keys = redis.call('SMEMBERS', t)
  for j = 1, #keys, 500 do
    local chunk = {}
    for k = j, math.min(j + 499, #keys) do chunk[#chunk + 1] = p .. 'e:' .. keys[k] end
    dropped = dropped + redis.call('UNLINK', unpack(chunk))
  end
  redis.call('DEL', t)
end
return dropped
"""
)

# `invalidate_all`, first step: a new sequence that is also where the records start
# (`born`), so every computation that started before is refused (_STORE), as after
# a flush; the entries themselves are then deleted by a SCAN.
_CLEAR = (
    _NOW
    + """
local p = ARGV[1]
local last = redis.call('GET', p .. 'seq')
local seq = now
if last and tonumber(last) + 1 > now then seq = tonumber(last) + 1 end
seq = string.format('%d', seq)
redis.call('SET', p .. 'seq', seq)
redis.call('SET', p .. 'born', seq)
return seq
"""
)

# The first `sequence()` of a Redis without records: they start now. A `seq`
# without `born` was written by a version that kept no `born`; its records start at 0.
_BEGIN = (
    _NOW
    + """
local p = ARGV[1]
local seq = redis.call('GET', p .. 'seq')
if not seq then
  seq = string.format('%d', now)
  redis.call('SET', p .. 'seq', seq)
  redis.call('SET', p .. 'born', seq)
elseif not redis.call('GET', p .. 'born') then
  redis.call('SET', p .. 'born', '0')
end
return seq
"""
)


class RedisBackend:
    """Every call is bounded by the client's socket timeout and never retried here.

    Invalidations go through a client of their own (`invalidation_client`), a
    small pool whose calls wait for a free connection: reads can exhaust the
    main pool (every connection busy: `MaxConnectionsError` at once), but never
    take a connection a write's invalidation needs.
    """

    name = "redis"

    def __init__(
        self,
        client: Redis,
        prefix: str = DEFAULT_PREFIX,
        *,
        invalidation_client: Redis | None = None,
    ) -> None:
        self.client = client
        self.invalidation_client = invalidation_client or client
        self.prefix = prefix
        self._store = client.register_script(_STORE)
        self._begin = client.register_script(_BEGIN)
        self._invalidate = self.invalidation_client.register_script(_INVALIDATE)
        self._clear = self.invalidation_client.register_script(_CLEAR)
        self._token = secrets.token_hex(8)
        # Each script declares one key of the cache's, which routes it on a Cluster.
        self._keys = [prefix + "seq"]

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout: float,
        prefix: str = DEFAULT_PREFIX,
        invalidation_timeout: float = 0.5,
        invalidation_connections: int = 8,
        cluster: bool = False,
    ) -> RedisBackend:
        invalidation_client = redis_client(
            url,
            timeout=invalidation_timeout,
            max_connections=invalidation_connections,
            pool_wait=invalidation_timeout,
            cluster=cluster,
        )
        if cluster:
            prefix = cluster_prefix(prefix)
        client = redis_client(url, timeout=timeout, cluster=cluster)
        return cls(client, prefix, invalidation_client=invalidation_client)

    def peek(self, key: str) -> Entry | None:
        return None  # every read is a round trip (cache/backends/near.py keeps copies)

    async def get(self, key: str) -> Entry | None:
        raw = await self.client.get(self.prefix + "e:" + key)
        if raw is None:
            return None
        return Entry.decode(raw if isinstance(raw, bytes) else raw.encode())

    async def sequence(self) -> int:
        raw, born = await self.client.mget(self.prefix + "seq", self.prefix + "born")
        if raw is None or born is None:  # no records yet (a new, restarted or flushed Redis)
            raw = await self._begin(keys=self._keys, args=[self.prefix])
        return int(raw)

    async def put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, wal: int | None = None
    ) -> bool:
        ttl_ms = int((entry.expires_at - time.time()) * 1000)
        if ttl_ms <= 0:
            return False
        read_at = -1 if wal is None else wal
        args: list[str | bytes | int] = [
            self.prefix, key, entry.encode(), ttl_ms, since, read_at, *tags
        ]  # fmt: skip
        return bool(await self._store(keys=self._keys, args=args))

    async def invalidate(self, tags: Collection[str], wal: int = 0) -> int:
        args: list[str | int] = [self.prefix, int(INVALIDATION_WINDOW * 1000), wal, *tags]
        return int(await self._invalidate(keys=self._keys, args=args))

    async def invalidate_all(self) -> int:
        await self._clear(keys=self._keys, args=[self.prefix])
        dropped = 0
        for pattern in ("e:*", "t:*"):
            async for keys in self._scan(pattern):
                removed = int(await self.invalidation_client.unlink(*keys))
                dropped += removed if pattern == "e:*" else 0
        return dropped

    async def tags_under(self, prefix: str) -> list[str]:
        start = len(self.prefix) + len("t:")
        found: list[str] = []
        async for keys in self._scan("t:" + _glob_escape(prefix) + "*"):
            found += [key.decode()[start:] for key in keys]
        return found

    async def usage(self) -> Size:
        """Counted with SCAN (no running total is kept: entries expire on their
        own): O(entries) for Redis, in batches that never block it for long."""
        entries = held = 0
        async for keys in self._scan("e:*"):
            async with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.strlen(key)
                lengths = await pipe.execute()
            entries += sum(1 for n in lengths if n)
            held += sum(int(n) for n in lengths)
        return Size(entries, held)

    async def _scan(self, pattern: str) -> AsyncIterator[list[bytes]]:
        """The keys under the prefix matching `pattern`, a batch at a time."""
        batch: list[bytes] = []
        match = _glob_escape(self.prefix) + pattern
        async for key in self.client.scan_iter(match=match, count=_SCAN_BATCH):
            batch.append(key if isinstance(key, bytes) else key.encode())
            if len(batch) >= _SCAN_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def lock(self, key: str, seconds: float) -> bool:
        lock = self.prefix + "l:" + key
        return bool(await self.client.set(lock, self._token, nx=True, px=int(seconds * 1000)))

    async def unlock(self, key: str) -> None:
        # Deleting a lock that expired and was taken by another process costs
        # at most one extra computation; not worth a compare-and-delete script.
        await self.client.delete(self.prefix + "l:" + key)

    async def close(self) -> None:
        await self.client.aclose()
        if self.invalidation_client is not self.client:
            await self.invalidation_client.aclose()


def cluster_prefix(prefix: str) -> str:
    """`prefix` as one hash tag, so all the cache's keys share a Cluster slot (the
    scripts touch many of them at once); a prefix with a tag of its own is kept."""
    return prefix if "{" in prefix else "{" + prefix + "}"


def _glob_escape(text: str) -> str:
    """`text` matched literally in a SCAN pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
