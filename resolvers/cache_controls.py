"""Operator cache controls (admins only): invalidate the response cache, read its size."""

from __future__ import annotations

from dataclasses import dataclass

from cache import controls, operation_stats
from cache.backends.base import Size
from cache.controls import Dropped, Target
from cache.operation_stats import OperationCounts
from cache.service import ResponseCache
from context import Context
from errors import Forbidden, Unauthenticated


@dataclass(frozen=True, slots=True)
class CacheStats:
    backend: str | None  # None: the response cache is off (RESPONSE_CACHE_ENABLED)
    size: Size
    operations: list[OperationCounts]


def require_admin(context: Context) -> None:
    if context.viewer.role is None:
        raise Unauthenticated("cache controls need an admin bearer token")
    if not context.viewer.is_admin:
        raise Forbidden("cache controls need the admin role")


def _cache(context: Context) -> ResponseCache | None:
    request = context.request
    app = None if request is None else request.scope.get("app")
    return getattr(app.state, "response_cache", None) if app is not None else None


async def invalidate(context: Context, target: Target) -> Dropped:
    require_admin(context)
    controls.tags_of(target)  # bad input is refused even with the cache off
    cache = _cache(context)
    if cache is None:
        return Dropped(0, [])
    dropped = await controls.invalidate(cache, target)
    context.invalidation = "ok"  # `extensions.cache.invalidation`, as after a write
    return dropped


async def stats(context: Context) -> CacheStats:
    require_admin(context)
    cache = _cache(context)
    if cache is None:
        return CacheStats(None, Size(0, 0), operation_stats.snapshot())
    size = await controls.usage(cache)
    return CacheStats(cache.backend.name, size, operation_stats.snapshot())
