"""ASGI middleware: the HTTP server span, the request's metrics and its log line.

Per HTTP request it opens a `RequestRecord` (filled in by the GraphQL
extension and friends), continues the caller's trace from `traceparent` /
`tracestate` / `baggage` (the propagators of OTEL_PROPAGATORS, W3C by
default), answers with a `traceresponse` header, and at the end observes
the duration histogram and writes one JSON log line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextvars import Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Histogram

from bounded import BoundedLRU, budget
from db.statements import close_statement_log, open_statement_log
from observability import tracing
from observability.document import DocumentMode
from observability.metrics import REQUEST_DURATION, SQL_PER_REQUEST, operation_label
from observability.request import RequestRecord, close_request, open_request
from observability.request_id import request_id
from observability.server_timing import HEADER as SERVER_TIMING
from observability.server_timing import Phases

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Any], Callable[[Message], Any]], Any]

log = logging.getLogger("fleetgraph.request")
_MAX_REMEMBERED_LABELS = 1024
ROUTES = frozenset({"/graphql", "/health", "/ready", "/metrics"})  # bounded span names


@dataclass(frozen=True, slots=True)
class RequestOptions:
    document_mode: DocumentMode = "masked"
    log_variables: bool = False
    log_requests: bool = True
    max_tokens: int = 2_000  # MAX_TOKENS: the operation is named within the token limit
    server_timing: bool = False  # SERVER_TIMING: a Server-Timing header on every response


def _carrier(headers: Iterable[tuple[bytes, bytes]], fields: frozenset[bytes]) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in headers if k in fields}


@dataclass(frozen=True, slots=True)
class _ServerSpan:
    """The request's server span and what ending it must undo."""

    span: trace.Span
    attached: Token[otel_context.Context]
    unsampled: Token[bool] | None  # set when the span does not record

    def end(self, status: int, failure: Exception | None) -> None:
        _end_span(self.span, status, failure)
        otel_context.detach(self.attached)
        if self.unsampled is not None:
            tracing.unmark_unsampled(self.unsampled)


def outcome(status: int, record: RequestRecord) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "graphql_error" if record.error_codes else "ok"


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, options: RequestOptions | None = None) -> None:
        self.app = app
        self.options = options or RequestOptions()
        fields = propagate.get_global_textmap().fields
        self.fields = frozenset(name.lower().encode("latin-1") for name in fields)
        # prometheus_client's `labels()` costs more than the observation itself. Keyed by
        # the operation's name as sent (client-chosen): bounded in entries and bytes.
        self._durations: BoundedLRU[tuple[str | None, str | None, str], Histogram] = BoundedLRU(
            _MAX_REMEMBERED_LABELS, budget.DURATION_LABELS, max_entry_bytes=1024
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        options = self.options
        rid = request_id(scope["headers"])
        phases = Phases() if options.server_timing else None
        record = RequestRecord(
            scope["method"],
            scope["path"],
            rid,
            document_mode=options.document_mode,
            log_variables=options.log_variables,
            max_tokens=options.max_tokens,
            phases=phases,
        )
        token = open_request(record)
        status = 500
        active = tracing.installed_tracer()
        traced = None if active is None else self._server_span(active, scope, rid)
        span = None if traced is None else traced.span

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", rid.encode()))
                if span is not None:
                    value = tracing.traceresponse(span)
                    if value is not None:
                        headers.append((b"traceresponse", value.encode()))
                if phases is not None:
                    headers.append((SERVER_TIMING, phases.header(time.perf_counter() - started)))
                message = {**message, "headers": headers}
            await send(message)

        started = time.perf_counter()
        failure: Exception | None = None
        statements, statements_token = open_statement_log()
        try:
            await self.app(scope, receive, send_with_trace)
        except Exception as exc:
            failure, status = exc, 500
            raise
        finally:
            duration = time.perf_counter() - started
            close_statement_log(statements_token)
            close_request(token)
            if traced is not None:
                traced.end(status, failure)
            self._report(record, status, duration, statements.count, span, failure)

    def _server_span(self, active: Tracer, scope: Scope, rid: str) -> _ServerSpan:
        """The request's SERVER span, continuing the caller's trace, made current.

        Its attributes are set only when it records: an unsampled request (most of
        them at a ratio sampler) pays for ids and a context, not for span content,
        and marks itself so that nothing beneath it opens spans (the built-in
        samplers decide on the trace id and the parent, never on attributes)."""
        carrier = _carrier(scope["headers"], self.fields)
        parent = propagate.extract(carrier) if carrier else None
        route = scope["path"] if scope["path"] in ROUTES else None
        name = f"{scope['method']} {route}" if route else scope["method"]
        span = active.start_span(name, context=parent, kind=SpanKind.SERVER)
        unsampled = None
        if span.is_recording():
            span.set_attributes(
                {
                    "http.request.method": scope["method"],
                    "url.path": scope["path"],
                    "http.request.id": rid,
                    **({"http.route": route} if route else {}),
                }
            )
        else:
            unsampled = tracing.mark_unsampled()
        # The extracted context carries the caller's baggage; the span goes on top. Made
        # current even unsampled: log lines carry its trace id.
        attached = otel_context.attach(trace.set_span_in_context(span, parent))
        return _ServerSpan(span, attached, unsampled)

    def _report(
        self,
        record: RequestRecord,
        status: int,
        duration: float,
        sql: int,
        span: trace.Span | None,
        failure: Exception | None,
    ) -> None:
        if record.path != "/graphql" and failure is None:
            return  # health checks and scrapes are neither measured nor logged
        labels = (record.operation_name, record.operation_type, outcome(status, record))
        histogram = self._durations.get(labels)
        if histogram is None:
            histogram = REQUEST_DURATION.labels(
                operation_label(labels[0]), labels[1] or "none", labels[2]
            )
            self._durations.put(labels, histogram)
        histogram.observe(duration)
        SQL_PER_REQUEST.observe(sql)
        if failure is None and not (self.options.log_requests and log.isEnabledFor(logging.INFO)):
            return
        fields = request_fields(record, status, duration, sql)
        if span is not None:
            context = span.get_span_context()
            fields["trace_id"] = f"{context.trace_id:032x}"
            fields["span_id"] = f"{context.span_id:016x}"
        if failure is not None:
            log.error("request failed", exc_info=failure, extra=fields)
        else:
            log.info("request", extra=fields)


def request_fields(record: RequestRecord, status: int, duration: float, sql: int) -> dict[str, Any]:
    """The log line's fields: no headers, no body, variables only when allowed."""
    fields: dict[str, Any] = {
        "request_id": record.request_id,
        "method": record.method,
        "path": record.path,
        "status": status,
        "duration_ms": round(duration * 1000, 3),
        "operation_name": record.operation_name,
        "operation_type": record.operation_type,
        "executor": record.executor,
        "error_codes": record.error_codes,
        "cache": record.cache,
        "persisted_query": record.persisted_query,
        "fast_path": record.fast_path,
        "sql_statements": sql,
    }
    if record.error_references:
        fields["error_references"] = record.error_references
    if record.variables is not None:
        fields["variables"] = record.variables
    return fields


def _end_span(span: trace.Span, status: int, failure: Exception | None) -> None:
    if not span.is_recording():
        span.end()
        return
    span.set_attribute("http.response.status_code", status)
    if failure is not None:
        span.record_exception(failure)
        span.set_status(Status(StatusCode.ERROR, f"{type(failure).__name__}: {failure}"))
    elif status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()
