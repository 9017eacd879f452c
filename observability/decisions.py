"""Per-request decisions of other packages, as metrics, span attributes and log fields."""

from __future__ import annotations

from functools import cache

from opentelemetry import trace
from prometheus_client import Counter

from observability.metrics import PERSISTED_QUERIES, REDIS_ERRORS
from observability.request import current_request

PERSISTED_OUTCOMES = frozenset({"hit", "miss", "registered", "refused"})


def note_persisted_query(outcome: str) -> None:
    """A persisted-query lookup or registration: hit, miss, registered or refused.

    Counted once per HTTP request: the response cache's front door may resolve
    a request's document a second time (after a refusal, to answer it).
    """
    record = current_request()
    if record is not None:
        if record.persisted_query == outcome:
            return
        record.persisted_query = outcome
    _persisted_counter(outcome if outcome in PERSISTED_OUTCOMES else "other").inc()
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("graphql.persisted_query", outcome)


@cache  # bounded: five outcomes; `labels()` costs more than `inc()`
def _persisted_counter(outcome: str) -> Counter:
    return PERSISTED_QUERIES.labels(outcome)


def note_redis_error(operation: str) -> None:
    """A Redis call that failed or timed out (callers fail open or closed themselves)."""
    REDIS_ERRORS.labels(operation).inc()
