"""Prometheus metrics of the service (one definition each, shared by every module).

Labels stay bounded: operation names are kept only when they look like a
GraphQL name of at most 64 characters and fewer than `MAX_OPERATION_NAMES`
distinct names were seen by this process; anything else is "other".
With PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes these to
per-process files and /metrics sums them (see `observability.exposition`).
"""

from __future__ import annotations

import re

from prometheus_client import Counter, Gauge, Histogram

MAX_OPERATION_NAME_LENGTH = 64
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_seen_names: set[str] = set()

REQUEST_DURATION = Histogram(
    "fleetgraph_request_duration_seconds",
    "HTTP request duration by GraphQL operation name, type and outcome",
    ["operation", "type", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SQL_PER_REQUEST = Histogram(
    "fleetgraph_sql_statements_per_request",
    "SQL statements issued while serving one request",
    buckets=(0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50, 100),
)
BATCH_SIZE = Histogram(
    "fleetgraph_dataloader_batch_size",
    "Keys per DataLoader batch, by loader",
    ["loader"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000),
)
PERSISTED_QUERIES = Counter(
    "fleetgraph_persisted_queries",
    "Persisted-query lookups and registrations by outcome (hit, miss, registered, refused)",
    ["outcome"],
)
DB_POOL_SIZE = Gauge(
    "fleetgraph_db_pool_size",
    "Open connections in the database pool (reads: asyncpg; writes: SQLAlchemy)",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_IN_USE = Gauge(
    "fleetgraph_db_pool_in_use",
    "Connections checked out of the database pool",
    ["pool"],
    multiprocess_mode="livesum",
)
REDIS_ERRORS = Counter(
    "fleetgraph_redis_errors", "Redis calls that failed or timed out", ["operation"]
)
SPANS_DROPPED = Counter(
    "fleetgraph_trace_spans_dropped",
    "Spans the batch span processor dropped (its queue was full: collector slow or down)",
)
GRAPHQL_ERRORS = Counter(
    "fleetgraph_graphql_errors", "GraphQL errors returned, by extensions.code", ["code"]
)


def operation_label(name: str | None) -> str:
    """A bounded label for an operation name (anonymous operations: "anonymous")."""
    if not name:
        return "anonymous"
    if name in _seen_names:
        return name
    if (
        len(name) > MAX_OPERATION_NAME_LENGTH
        or len(_seen_names) >= MAX_OPERATION_NAMES
        or not _NAME.fullmatch(name)
    ):
        return "other"
    _seen_names.add(name)
    return name
