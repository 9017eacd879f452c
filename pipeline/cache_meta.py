"""Step 6, the response cache's part: `extensions.cache`, the cache headers, and
the entry (with its tags) a computed answer leaves for the cache to store."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from strawberry.http import GraphQLHTTPResponse

from cache.entry import Entry
from cache.hints import Scope
from cache.tags import LEADERBOARD, LEADERBOARD_UNKNOWN_SEASON
from cache.walk import object_tags
from pipeline.response_cache import Bypass, Cacheable


def annotate(
    lookup: Cacheable | Bypass,
    payload: GraphQLHTTPResponse,
    failed: bool,
    reads: Set[str],
    invalidation: str | None,
    headers: dict[str, str],
) -> tuple[GraphQLHTTPResponse, Entry | None, frozenset[str]]:
    """The payload with `extensions.cache`, and the entry and tags to store (None:
    nothing); sets the cache headers. `failed`: the result has errors."""
    if isinstance(lookup, Bypass) or failed or payload.get("data") is None:
        headers["cache-control"] = "no-store"
        status = "bypass" if isinstance(lookup, Bypass) or lookup.key is None else "miss"
        reason = lookup.reason if isinstance(lookup, Bypass) else None
        bypassed: dict[str, Any] = {"status": status, **({"reason": reason} if reason else {})}
        if invalidation is not None or reason == "mutation":
            bypassed["invalidation"] = invalidation or "none"
        return with_meta(payload, bypassed), None, frozenset()
    plan = lookup.plan
    data = payload["data"]
    entry = Entry.of(data, plan.scope, plan.max_age)
    tags = plan.request_tags(lookup.variables) | object_tags(data)
    tags |= read_tags(reads, tags)
    headers["cache-control"] = cache_control(plan.scope, plan.max_age)
    if lookup.is_get:
        headers["etag"] = entry.etag
    meta = {
        "status": "miss" if lookup.key else "bypass",
        "scope": plan.scope.value,
        "maxAge": plan.max_age,
    }
    return with_meta(payload, meta), entry, frozenset(tags)


def read_tags(reads: Set[str], tags: set[str]) -> set[str]:
    """What execution recorded it read (`Context.reads`); a leaderboard or rank
    whose season went unrecorded gets the tag every trip write invalidates."""
    found = set(reads)
    if LEADERBOARD in tags and not any(tag.startswith(LEADERBOARD + ":") for tag in found):
        found.add(LEADERBOARD_UNKNOWN_SEASON)
    return found


def with_meta(payload: GraphQLHTTPResponse, meta: dict[str, Any]) -> GraphQLHTTPResponse:
    """`extensions.cache` first among the extensions, extensions last (as `Entry.render`)."""
    others = payload.get("extensions") or {}
    out: dict[str, Any] = {k: v for k, v in payload.items() if k != "extensions"}
    out["extensions"] = {"cache": meta, **others}
    return out  # type: ignore[return-value]


def cache_control(scope: Scope, max_age: int) -> str:
    return f"{'private' if scope is Scope.PRIVATE else 'public'}, max-age={max_age}"
