"""The one way the app builds an asyncio Redis client.

Every caller (response cache, persisted queries, rate limiter) has its own
fallback when Redis fails, and waits at most its own timeout, so a client
never retries: a retry would only double the wait before the fallback. The
one caller that retries, the response cache's invalidation, does so itself
(cache/service.py), each attempt within its own bound.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def redis_client(
    url: str,
    *,
    timeout: float,
    decode_responses: bool = False,
    max_connections: int | None = None,
    pool_wait: float | None = None,
) -> Redis:
    """A client for `url` whose connects and calls give up after `timeout` seconds.

    `max_connections`: the size of its connection pool (None: redis-py's 100).
    A call finding every connection busy fails at once (`MaxConnectionsError`)
    unless `pool_wait` is set: then it waits up to that many seconds for one.
    """
    options: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "decode_responses": decode_responses,
    }
    if pool_wait is None:
        return Redis.from_url(url, max_connections=max_connections, **options)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=max_connections or 50, timeout=pool_wait, **options
    )
    return Redis.from_pool(pool)  # the client owns the pool: `aclose()` closes it
