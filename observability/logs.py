"""JSON log lines on stdout, each carrying the trace and span ids of its request.

`configure_logging` is called by `create_app` (once per worker process; a
second call replaces the first handler). Every record becomes one JSON
object on one line, an exception included (as a single `exception`
string), so a log pipeline never splits a traceback into many events.

Strawberry logs every GraphQL error with its traceback on
`strawberry.execution`; we silence it: client errors are not server
errors, and unexpected ones are logged once by gql.extensions.error_codes
with the reference id the client sees.

OpenTelemetry's SDK logs a warning for every span it drops when its queue
is full (collector down or slow): thousands of lines a second, which cost
more CPU than the spans. Each distinct OpenTelemetry message passes once a
minute; drops are counted in `fleetgraph_trace_spans_dropped_total`.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from opentelemetry import trace

from compat.opentelemetry import BATCH_PROCESSOR_LOGGER
from observability.metrics import SPANS_DROPPED
from observability.request import current_request

LogFormat = Literal["json", "text"]
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
OTEL_REPEAT_SECONDS = 60.0


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if "request_id" not in line:  # a line logged while a request is served
            request = current_request()
            if request is not None:
                line["request_id"] = request.request_id
        if "trace_id" not in line:
            context = trace.get_current_span().get_span_context()
            if context.is_valid:
                line["trace_id"] = f"{context.trace_id:032x}"
                line["span_id"] = f"{context.span_id:016x}"
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class OtelThrottle(logging.Filter):
    """Lets each distinct OpenTelemetry message through once per `interval` seconds."""

    def __init__(self, interval: float = OTEL_REPEAT_SECONDS) -> None:
        super().__init__()
        self.interval = interval
        self.last: dict[tuple[str, object], float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("opentelemetry"):
            return True
        key = (record.name, record.msg)
        now = time.monotonic()
        if now - self.last.get(key, -math.inf) < self.interval:
            return False
        self.last[key] = now
        return True


class _CountDrops(logging.Filter):
    """Counts the batch processor's "Queue full, dropping ..." warnings (one per span)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Queue full"):
            SPANS_DROPPED.inc()
        return True


_count_drops = _CountDrops()


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stdout` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def configure_logging(level: str, log_format: LogFormat = "json") -> logging.Handler:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StdoutHandler):
            root.removeHandler(handler)
    handler = _StdoutHandler()
    handler.setFormatter(
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    handler.addFilter(OtelThrottle())
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
    # Counted whatever LOG_LEVEL says; printed at most once a minute (OtelThrottle).
    processor = logging.getLogger(BATCH_PROCESSOR_LOGGER)
    processor.setLevel(logging.WARNING)
    if _count_drops not in processor.filters:
        # First: the SDK's own DuplicateFilter on this logger drops the repeats.
        processor.filters.insert(0, _count_drops)
    return handler
