"""The one way the app builds an asyncio Redis client.

Every caller (response cache, persisted queries, rate limiter) has its own
fallback when Redis fails, and waits at most its own timeout, so a client
never retries: a retry would only double the wait before the fallback. The
one caller that retries, the response cache's invalidation, does so itself
(cache/service.py), each attempt within its own bound.

With `cluster` (REDIS_CLUSTER=true) the URL names any node of a Redis Cluster
and the client is redis-py's `RedisCluster`, which learns the slot map from it
and follows it as it changes (a failover: the first calls to the lost master
fail, the next ones go to its promoted replica).
"""

from __future__ import annotations

from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def redis_client(
    url: str,
    *,
    timeout: float,
    decode_responses: bool = False,
    max_connections: int | None = None,
    pool_wait: float | None = None,
    cluster: bool = False,
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
    if cluster:
        return _cluster_client(url, max_connections, options)
    if pool_wait is None:
        return Redis.from_url(url, max_connections=max_connections, **options)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=max_connections or 50, timeout=pool_wait, **options
    )
    return Redis.from_pool(pool)  # the client owns the pool: `aclose()` closes it


def _cluster_client(url: str, max_connections: int | None, options: dict[str, Any]) -> Redis:
    """A Cluster client. Its pools are per node and fail at once when full (RedisCluster
    has no waiting pool), so `pool_wait` does not apply. Typed as `Redis`: the callers
    use only commands both clients have (single-key commands, scripts with declared
    keys, non-transactional pipelines, SCAN), and tests/cluster runs each on a cluster."""
    client = RedisCluster.from_url(url, max_connections=max_connections or 100, **options)
    return cast(Redis, client)
