"""Which executor answered: planned, or the reference with the reason it was handed over."""

from __future__ import annotations

from prometheus_client import Counter

PLANNER_REQUESTS = Counter(
    "fleetgraph_planner_requests",
    "Operations by the executor that answered them (reason: why not the planner).",
    ["executor", "reason"],
)


_PLANNED = PLANNER_REQUESTS.labels("planned", "")  # `labels()` costs more than `inc()`


def count_planned() -> None:
    _PLANNED.inc()


def count_reference(reason: str) -> None:
    PLANNER_REQUESTS.labels("reference", reason).inc()
