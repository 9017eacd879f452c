"""Token buckets in Redis: one hash per client, updated atomically by a script.

The script reads Redis's own clock, so every app host agrees on elapsed time.
"""

from __future__ import annotations

from redis.asyncio import Redis

from limits.buckets import Take

# KEYS[1] bucket; ARGV capacity, rate (points/s), cost (negative: refund), force (1:
# take even below zero, to at most -capacity). Returns {allowed (0/1),
# remaining * 1000, retry_after_ms (-1: never)}.
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local force = tonumber(ARGV[4]) == 1
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
local level = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry = 0
if cost <= level or force then
  level = math.max(-capacity, math.min(capacity, level - cost))
  allowed = 1
elseif cost > capacity then
  retry = -1
else
  retry = math.ceil((cost - level) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(level), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(2 * capacity / rate * 1000) + 1000)
return {allowed, math.floor(level * 1000), retry}
"""


class RedisBuckets:
    def __init__(self, client: Redis, capacity: float, rate: float, prefix: str) -> None:
        self.client = client
        self.capacity = capacity
        self.rate = rate
        self.prefix = prefix
        self._script = client.register_script(TAKE_SCRIPT)

    async def take(self, key: str, cost: float, *, force: bool = False) -> Take:
        allowed, remaining, retry = await self._script(
            keys=[self.prefix + key], args=[self.capacity, self.rate, cost, int(force)]
        )
        return Take(
            bool(allowed), int(remaining) / 1000, float("inf") if retry < 0 else int(retry) / 1000
        )

    async def close(self) -> None:
        await self.client.aclose()
