"""Prometheus counters of the response cache (served on /metrics)."""

from __future__ import annotations

from functools import cache

from prometheus_client import Counter

REQUESTS = Counter(
    "fleetgraph_response_cache_requests",
    "Cacheable operations by outcome: hit, miss, bypass (cache unavailable or not consulted)",
    ["result", "backend"],
)
LOCAL_HITS = Counter(
    "fleetgraph_response_cache_local_hits",
    "Hits served from this process's copy of a Redis entry (cache/backends/near.py)",
)
ERRORS = Counter(
    "fleetgraph_response_cache_errors",
    "Backend calls that failed or timed out; the request was served without the cache",
    ["operation", "backend"],
)

INVALIDATIONS = Counter(
    "fleetgraph_response_cache_invalidations",
    "Invalidations after a write, by outcome: ok (possibly after retries), failed (no attempt"
    " within the request succeeded: the response says so and a background repair takes over),"
    " repaired (a failed one the repair completed later)",
    ["outcome", "backend"],
)
INVALIDATION_RETRIES = Counter(
    "fleetgraph_response_cache_invalidation_retries",
    "Invalidation attempts made after a failed attempt, within the request",
    ["backend"],
)


@cache  # bounded: three results times two backends; `labels()` costs more than `inc()`
def requests_counter(result: str, backend: str) -> Counter:
    return REQUESTS.labels(result, backend)
