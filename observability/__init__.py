"""Traces (OpenTelemetry), metrics (Prometheus), JSON logs, health and readiness.

Other packages use the small API re-exported here; see docs/decisions/0011-observability.md.
"""

from observability.request import note_cache_status, note_fast_path
from observability.tracing import mark_executor, redis_span, sql_span

__all__ = ["mark_executor", "note_cache_status", "note_fast_path", "redis_span", "sql_span"]
