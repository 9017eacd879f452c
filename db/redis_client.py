"""The one way the app builds an asyncio Redis client.

Every caller (response cache, persisted queries, rate limiter) has its own
fallback when Redis fails, and waits at most its own timeout, so a client
never retries: a retry would only double the wait before the fallback.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def redis_client(url: str, *, timeout: float, decode_responses: bool = False) -> Redis:
    """A client for `url` whose connects and calls give up after `timeout` seconds."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=decode_responses,
    )
