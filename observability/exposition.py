"""The /metrics endpoint: Prometheus text, one process or all of a host's workers.

With PROMETHEUS_MULTIPROC_DIR set (before the workers start; an empty
directory per start), prometheus_client writes each worker's samples to
files there and any worker's /metrics sums them all, so one scrape sees the
whole host. Without it, a scrape sees the worker that answered. Who may
scrape: observability/scrape_access.py.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from observability.metrics import DB_POOL_IN_USE, DB_POOL_SIZE
from observability.scrape_access import scrape_refusal

if TYPE_CHECKING:
    from observability.probes import DatabaseProbe

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def refresh_pool_gauges(database: DatabaseProbe) -> None:
    """Sample this process's pools (at scrape time; cheap: counts only)."""
    for pool in database.pool_counts():
        DB_POOL_SIZE.labels(pool.name).set(pool.size)
        DB_POOL_IN_USE.labels(pool.name).set(pool.in_use)


def _registry() -> CollectorRegistry:
    if not multiprocess_mode():
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def metrics(request: Request) -> Response:
    refusal = scrape_refusal(request.app.state.settings, request.headers.get("authorization"))
    if refusal is not None:
        return refusal
    database = getattr(request.app.state, "database", None)
    if database is not None:
        refresh_pool_gauges(database)
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def process_exited() -> None:
    """Drop this worker's live gauges from the shared files (multiprocess mode)."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
