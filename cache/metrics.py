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


@cache  # bounded: three results times two backends; `labels()` costs more than `inc()`
def requests_counter(result: str, backend: str) -> Counter:
    return REQUESTS.labels(result, backend)
