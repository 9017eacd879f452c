"""SQL spans for the statements SQLAlchemy runs itself (the writes' sessions).

Reads run through `loaders.Database.fetch`, which opens a `sql_span` around
each statement; mutations run in SQLAlchemy sessions (one transaction, many
statements). Engine events give those statements the same span, under the
operation's, without wrapping every call site.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine

from observability.server_timing import current_phases
from observability.tracing import SqlSpan, sql_span, statement_span_open, tracer

_SPAN = "_fleetgraph_sql_span"


def trace_statements(engine: AsyncEngine) -> None:
    system = engine.dialect.name
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _start(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        context = args[1]
        if tracer() is None or statement_span_open.get() or context is None:
            return
        span = sql_span(statement, system=system)
        if isinstance(span, SqlSpan):
            setattr(context, _SPAN, span)

    @event.listens_for(sync_engine, "after_cursor_execute")
    def _end(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        span = _take(args[1])
        if span is not None:
            rowcount = getattr(cursor, "rowcount", -1)
            span.rows = rowcount if isinstance(rowcount, int) and rowcount >= 0 else None
            span.__exit__(None, None, None)

    @event.listens_for(sync_engine, "handle_error")
    def _error(failure: ExceptionContext) -> None:
        span = _take(failure.execution_context)
        if span is not None:
            error = failure.original_exception
            span.__exit__(type(error), error, error.__traceback__)


def _take(context: Any) -> SqlSpan | None:
    span: SqlSpan | None = getattr(context, _SPAN, None) if context is not None else None
    if span is not None:
        setattr(context, _SPAN, None)
    return span


_STARTED = "_fleetgraph_sql_started"


def time_statements(engine: AsyncEngine) -> None:
    """Server-Timing's `db` for the statements SQLAlchemy runs (writes; SQLite's reads)."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _start(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        context = args[1]
        if context is not None and current_phases() is not None:
            setattr(context, _STARTED, time.perf_counter())

    @event.listens_for(sync_engine, "after_cursor_execute")
    def _end(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        context = args[1]
        started: float | None = getattr(context, _STARTED, None) if context is not None else None
        phases = current_phases()
        if started is not None and phases is not None:
            setattr(context, _STARTED, None)
            phases.db += time.perf_counter() - started
