"""Rate limiting by cost per client: Redis when configured, else (or when it fails) in-process.

Redis failing must not fail requests: after an error or a timeout the limiter
uses the in-process buckets for `FALLBACK_SECONDS` before trying Redis again,
so a dead Redis costs one timeout per period, not one per request.
"""

from __future__ import annotations

import asyncio
import logging
import time

from redis.exceptions import RedisError

from bounded import BoundedLRU, budget
from config import Settings
from db.redis_client import redis_client
from limits.buckets import LocalBuckets, Take
from limits.redis_buckets import RedisBuckets

logger = logging.getLogger("fleetgraph.limits")

FALLBACK_SECONDS = 5.0
KEY_PREFIX = "fleetgraph:rate:"
# Clients seen in debt, with when their bucket is back at zero: read before any work on
# a request (limits/debt_gate.py), without asking Redis. Keys are client keys (an
# address or a verified token's subject), bounded anyway.
MAX_DEBTORS = 10_000
# The keys of clients without a verified token: their address (gql/http.py client_key).
ANONYMOUS_PREFIX = "ip:"


class RateLimiter:
    def __init__(
        self,
        capacity: float,
        rate: float,
        redis: RedisBuckets | None = None,
        timeout: float = 0.1,
        *,
        anonymous: RateLimiter | None = None,
    ) -> None:
        """`anonymous`: the buckets of anonymous clients (keys starting "ip:"), when they
        are refilled at another rate; else they are everyone's."""
        self.capacity = capacity
        self.rate = rate
        self.redis = redis
        self.timeout = timeout
        self.anonymous = anonymous
        self.local = LocalBuckets(capacity, rate)
        self._redis_down_until = 0.0
        self._debtors: BoundedLRU[str, float] = BoundedLRU(MAX_DEBTORS, budget.DEBTORS)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        timeout = settings.rate_limit_redis_timeout
        tiers = (
            (settings.rate_limit_bucket_size, settings.rate_limit_restore_rate),
            (settings.rate_limit_anonymous_bucket_size, settings.rate_limit_anonymous_restore_rate),
        )
        client = None
        if settings.redis_url:  # one key per bucket: any node of a Cluster holds it
            client = redis_client(
                settings.redis_url, timeout=timeout, cluster=settings.redis_cluster
            )
        keyed, anonymous = (
            None if client is None else RedisBuckets(client, capacity, rate, KEY_PREFIX)
            for capacity, rate in tiers
        )
        if tiers[1] == tiers[0]:
            return cls(*tiers[0], keyed, timeout)
        return cls(*tiers[0], keyed, timeout, anonymous=cls(*tiers[1], anonymous, timeout))

    def tier(self, key: str) -> RateLimiter:
        """The buckets `key` takes from (its capacity and rate)."""
        anonymous = self.anonymous
        return anonymous if anonymous is not None and key.startswith(ANONYMOUS_PREFIX) else self

    @property
    def using_redis(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    async def take(self, key: str, cost: float, *, force: bool = False) -> Take:
        """Take `cost` points if the bucket has them (a negative cost refunds); `force`:
        take them anyway, the level falling below zero (a cost found after the fact)."""
        tier = self.tier(key)
        outcome = await tier._take(key, cost, force)
        if outcome.remaining < 0:
            self._debtors.put(key, time.monotonic() - outcome.remaining / tier.rate)
        elif self._debtors:
            self._debtors.pop(key)
        return outcome

    async def _take(self, key: str, cost: float, force: bool) -> Take:
        if self.redis is not None and self.using_redis:
            try:
                async with asyncio.timeout(self.timeout):
                    return await self.redis.take(key, cost, force=force)
            except (RedisError, OSError, TimeoutError) as exc:
                logger.warning("rate limiter: Redis unavailable (%r); in-process buckets", exc)
                self._redis_down_until = time.monotonic() + FALLBACK_SECONDS
        return self.local.take(key, cost, force=force)

    @property
    def has_debtors(self) -> bool:
        """Whether any client was seen in debt (the common case, no, costs one check)."""
        return bool(self._debtors)

    def debt_seconds(self, key: str) -> float:
        """How long until `key`'s bucket is out of debt, as this process last saw it
        (0: not in debt). Another process's charges are seen at this one's next take."""
        until = self._debtors.get(key)
        if until is None:
            return 0.0
        wait = until - time.monotonic()
        if wait <= 0.0:
            self._debtors.pop(key)
            return 0.0
        return wait

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.close()
