"""Response-cache outcomes per operation name: on /metrics and for the admin query.

Operation names are bounded labels (`observability.metrics.operation_label`:
at most 200 names per process, then "other"), so both the Prometheus series
and the in-process table stay bounded. The table is this process's since it
started; /metrics (summed over workers with PROMETHEUS_MULTIPROC_DIR) is the
fleet's view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prometheus_client import Counter

from observability.metrics import operation_label

RESULTS = ("hit", "miss", "bypass")

OPERATION_REQUESTS = Counter(
    "fleetgraph_response_cache_operation_requests",
    "Cacheable operations by operation name and outcome (hit, miss, bypass)",
    ["operation", "result"],
)


@dataclass(frozen=True, slots=True)
class OperationCounts:
    operation: str
    hits: int
    misses: int
    bypasses: int

    @property
    def hit_ratio(self) -> float | None:
        """Hits over lookups that could hit (hits and misses); None before any."""
        looked_up = self.hits + self.misses
        return self.hits / looked_up if looked_up else None


_counts: dict[str, list[int]] = {}  # label -> [hits, misses, bypasses]; bounded by the labels


@cache  # bounded: labels times three results; `labels()` costs more than `inc()`
def _counter(label: str, result: str) -> Counter:
    return OPERATION_REQUESTS.labels(label, result)


def count(operation_name: str | None, result: str) -> None:
    label = operation_label(operation_name)
    _counter(label, result).inc()
    _counts.setdefault(label, [0, 0, 0])[RESULTS.index(result)] += 1


def snapshot() -> list[OperationCounts]:
    """This process's counts, by operation label."""
    return [OperationCounts(label, *counts) for label, counts in sorted(_counts.items())]
