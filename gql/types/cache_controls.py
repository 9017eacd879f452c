"""Operator cache controls in the schema: `invalidateResponseCache` and `responseCacheStats`."""

from __future__ import annotations

import strawberry

from cache.controls import Dropped, Target
from cache.operation_stats import OperationCounts
from resolvers.cache_controls import CacheStats


@strawberry.input(
    description="What to drop from the response cache: `everything`, or any of the lists."
)
class InvalidateResponseCacheInput:
    everything: bool = strawberry.field(
        default=False, description="Every entry (not combined with the lists)."
    )
    types: list[str] = strawberry.field(
        default_factory=list,
        description="Node types, e.g. `Driver`: every entry carrying one of its objects or lists.",
    )
    entities: list[str] = strawberry.field(
        default_factory=list,
        description="Objects, as `Type:id` (`Driver:42`) or a global id.",
    )
    list_tags: list[str] = strawberry.field(
        default_factory=list,
        description=(
            "Lists: `Driver:list`, `Trip:list`, `Season:list`, `Leaderboard`, "
            "`Leaderboard:<season id>`, `Leaderboard:?`, `FleetSummary`."
        ),
    )

    def target(self) -> Target:
        return Target(self.everything, self.types, self.entities, self.list_tags)


@strawberry.type
class InvalidateResponseCachePayload:
    dropped_entries: int = strawberry.field(description="Entries removed from the cache.")
    invalidated_tags: list[str] = strawberry.field(
        description="The tags invalidated (types expanded to their tags); empty for everything."
    )

    @classmethod
    def of(cls, dropped: Dropped) -> InvalidateResponseCachePayload:
        return cls(dropped_entries=dropped.entries, invalidated_tags=dropped.tags)


@strawberry.type
class ResponseCacheOperationStats:
    operation_name: str = strawberry.field(
        description='A bounded label: the name, "anonymous", or "other" past 200 names.'
    )
    hits: float
    misses: float
    bypasses: float
    hit_ratio: float | None = strawberry.field(
        description="hits / (hits + misses); null before any."
    )

    @classmethod
    def of(cls, counts: OperationCounts) -> ResponseCacheOperationStats:
        return cls(
            operation_name=counts.operation,
            hits=counts.hits,
            misses=counts.misses,
            bypasses=counts.bypasses,
            hit_ratio=counts.hit_ratio,
        )


@strawberry.type(
    description="The response cache now; operation counts are this process's since it started."
)
class ResponseCacheStats:
    backend: str | None = strawberry.field(
        description="The backend: redis or memory; null when the cache is off."
    )
    entries: int
    bytes: float = strawberry.field(description="Bytes the entries hold.")
    operations: list[ResponseCacheOperationStats]

    @classmethod
    def of(cls, stats: CacheStats) -> ResponseCacheStats:
        return cls(
            backend=stats.backend,
            entries=stats.size.entries,
            bytes=stats.size.bytes,
            operations=[ResponseCacheOperationStats.of(c) for c in stats.operations],
        )
