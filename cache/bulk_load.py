"""After a bulk load (`fleetgraph seed`, and any future one): drop every cached answer.

A bulk load replaces data without naming what it changed, so everything
goes. Only a shared cache can be reached from the loading process: Redis.
The in-process cache lives inside each server process; the CLI says so, and
an operator clears it with `invalidateResponseCache(input: {everything: true})`
or a restart.
"""

from __future__ import annotations

from cache.backends.redis import RedisBackend
from cache.service import FAILURES
from config import Settings
from errors import CacheUnavailable


async def invalidate_everything(settings: Settings) -> int | None:
    """Entries dropped from the shared cache; None: no shared cache to reach."""
    if not settings.response_cache_enabled or not settings.redis_url:
        return None
    backend = RedisBackend.from_url(
        settings.redis_url,
        timeout=settings.response_cache_invalidation_timeout,
        prefix=settings.response_cache_key_prefix,
        invalidation_timeout=settings.response_cache_invalidation_timeout,
        cluster=settings.redis_cluster,
    )
    try:
        return await backend.invalidate_all()
    except FAILURES as exc:
        raise CacheUnavailable(f"Redis did not answer: {type(exc).__name__}") from exc
    finally:
        await backend.close()
