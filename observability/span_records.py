"""A finished span as a tuple of plain values, and back.

What crosses the pipe to the export process (observability/export_process.py):
pickling these tuples costs a fraction of encoding the span, and the child
rebuilds a `ReadableSpan` the SDK's exporters take. The resource is the same
for every span of a process and travels once, when the child starts.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, TraceFlags, TraceState
from opentelemetry.trace.status import Status, StatusCode

_Context = tuple[int, int, int, bool, tuple[tuple[str, str], ...]]
SpanRecord = tuple[Any, ...]


def _context(context: SpanContext) -> _Context:
    return (
        context.trace_id,
        context.span_id,
        int(context.trace_flags),
        context.is_remote,
        tuple(context.trace_state.items()),
    )


def _span_context(values: _Context) -> SpanContext:
    trace_id, span_id, flags, is_remote, state = values
    return SpanContext(trace_id, span_id, is_remote, TraceFlags(flags), TraceState(list(state)))


def as_record(span: ReadableSpan) -> SpanRecord:
    scope = span.instrumentation_scope
    parent = span.parent
    context = span.context
    assert context is not None  # an SDK span always has one
    return (
        span.name,
        _context(context),
        None if parent is None else _context(parent),
        span.kind.value,
        span.start_time,
        span.end_time,
        span.status.status_code.value,
        span.status.description,
        dict(span.attributes or {}),
        tuple((e.name, e.timestamp, dict(e.attributes or {})) for e in span.events),
        tuple((_context(link.context), dict(link.attributes or {})) for link in span.links),
        None if scope is None else (scope.name, scope.version, scope.schema_url),
    )


def as_span(record: SpanRecord, resource: Resource) -> ReadableSpan:
    (name, context, parent, kind, start, end, code, description) = record[:8]
    attributes, events, links, scope = record[8:]
    return ReadableSpan(
        name=name,
        context=_span_context(context),
        parent=None if parent is None else _span_context(parent),
        resource=resource,
        attributes=attributes,
        events=[Event(event_name, attrs, timestamp) for event_name, timestamp, attrs in events],
        links=[Link(_span_context(link), attrs) for link, attrs in links],
        kind=SpanKind(kind),
        # Only an ERROR status carries a description (the SDK warns otherwise).
        status=Status(StatusCode(code), description if code == StatusCode.ERROR.value else None),
        start_time=start,
        end_time=end,
        instrumentation_scope=None if scope is None else InstrumentationScope(*scope),
    )
