"""Build the response cache from settings (app lifespan): Redis when REDIS_URL
is set, else the in-process LRU. Connects lazily: a Redis that is down at
start only means the first requests bypass the cache."""

from __future__ import annotations

import logging

from cache.backends.base import Backend
from cache.backends.memory import MemoryBackend
from cache.backends.near import NearCacheBackend
from cache.backends.redis import RedisBackend
from cache.compressed import CompressedEntries
from cache.service import ResponseCache
from config import Settings

logger = logging.getLogger("fleetgraph.cache")


def open_response_cache(settings: Settings) -> ResponseCache | None:
    if not settings.response_cache_enabled:
        return None
    backend: Backend
    if settings.redis_url:
        redis = RedisBackend.from_url(
            settings.redis_url,
            timeout=settings.response_cache_redis_timeout,
            prefix=settings.response_cache_key_prefix,
            invalidation_timeout=settings.response_cache_invalidation_timeout,
            invalidation_connections=settings.response_cache_invalidation_connections,
            cluster=settings.redis_cluster,
        )
        backend = redis
        if settings.response_cache_local_copies and settings.redis_cluster:
            # Tracking pushes come per node, over one connection to one node: a copy of
            # an entry on another node would never hear of its invalidation.
            logger.warning(
                "RESPONSE_CACHE_LOCAL_COPIES is off with REDIS_CLUSTER=true: "
                "every cache hit reads Redis"
            )
        elif settings.response_cache_local_copies and _plain_tcp(settings.redis_url):
            backend = NearCacheBackend(
                redis, settings.redis_url, max_bytes=settings.response_cache_max_bytes
            )
    else:
        backend = MemoryBackend(settings.response_cache_max_bytes)
    return ResponseCache(
        backend,
        default_max_age=settings.response_cache_default_max_age,
        backoff=settings.response_cache_backoff_seconds,
        lock_wait=settings.response_cache_lock_wait_seconds,
        invalidation_attempts=settings.response_cache_invalidation_attempts,
        invalidation_timeout=settings.response_cache_invalidation_timeout,
        compressed=CompressedEntries(
            max_bytes=settings.compression_cache_bytes,
            minimum_size=settings.compression_min_bytes,
        )
        if settings.compression
        else None,
    )


def _plain_tcp(url: str) -> bool:
    """The tracking connection speaks RESP3 over plain TCP (no TLS, no Unix socket)."""
    return url.startswith("redis://")
