"""The process's tracer, and the spans other packages open through it.

Tracing is off unless `install` was given a provider (see
`observability.provider`); off, every helper here returns a shared no-op
object, so a caller pays one global read and one attribute call.

We keep our own holder instead of OpenTelemetry's global provider: the
global can be set only once per process, and tests (and `create_app`) need
to swap providers.

API for other packages (the planner, the cache, the data layer):

    with sql_span(sql, system="postgresql") as span:
        rows = await connection.fetch(sql, *values)
        span.rows = len(rows)

    with redis_span("GET", key_prefix) as span:
        value = await client.get(key)
        span.hit = value is not None

    mark_executor("planned")   # graphql.executor on the operation span and the log line
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Self

from opentelemetry.trace import SpanKind, Status, StatusCode

from observability.request import current_request

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer, TracerProvider

MAX_STATEMENT_LENGTH = 2048  # db.statement is truncated past this (LATERAL pages are long)

_tracer: Tracer | None = None
# Rows of the SQL statements run by the current DataLoader batch (its own task).
batch_rows: ContextVar[list[int] | None] = ContextVar("fleetgraph_batch_rows", default=None)
# True while a `sql_span` block runs: its statement already has a span.
statement_span_open: ContextVar[bool] = ContextVar("fleetgraph_sql_span_open", default=False)
# True within a request whose server span does not record (the sampler said no):
# nothing beneath it opens a span, builds attributes or renders a statement, since
# none of it would be exported. Set once per request by the middleware.
_unsampled: ContextVar[bool] = ContextVar("fleetgraph_unsampled", default=False)


def install(provider: TracerProvider | None) -> None:
    """Trace through `provider` from now on; None turns tracing off."""
    global _tracer
    _tracer = None if provider is None else provider.get_tracer("fleetgraph")


def restore(previous: Tracer | None) -> None:
    """Put back a tracer returned by `tracer()` (an app's lifespan ending)."""
    global _tracer
    _tracer = previous


def tracer() -> Tracer | None:
    """The active tracer; None when tracing is off or the current request is not
    sampled (its spans would not be recorded: callers skip all their span work)."""
    active = _tracer
    if active is None or _unsampled.get():
        return None
    return active


def installed_tracer() -> Tracer | None:
    """The process's tracer, whatever the current request (for the server span)."""
    return _tracer


def mark_unsampled() -> Token[bool]:
    """For the middleware: the current request's spans are not recorded."""
    return _unsampled.set(True)


def unmark_unsampled(token: Token[bool]) -> None:
    _unsampled.reset(token)


def traceresponse(span: Span) -> str | None:
    """The W3C Trace Context level 2 `traceresponse` value for `span`."""
    context = span.get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def mark_executor(name: str) -> None:
    """Record which executor answers the current operation ("planned" or "reference")."""
    record = current_request()
    if record is not None:
        record.executor = name
        scope = record.operation_scope
        if scope is not None and scope.span is not None:
            scope.span.set_attribute("graphql.executor", name)


class _ClientSpan:
    """A started span ended by `with`; an exception marks it ERROR with an event."""

    __slots__ = ("span",)

    def __init__(self, span: Span) -> None:
        self.span = span

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.span.record_exception(exc)
            self.span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        self._finish()
        self.span.end()

    def _finish(self) -> None:
        pass


class SqlSpan(_ClientSpan):
    __slots__ = ("_token", "rows")

    def __init__(self, span: Span) -> None:
        super().__init__(span)
        self.rows: int | None = None
        self._token: Token[bool] | None = None

    def __enter__(self) -> Self:
        # Statements run inside are this span's (observability.sql_events skips them).
        self._token = statement_span_open.set(True)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            statement_span_open.reset(self._token)
            self._token = None
        super().__exit__(kind, exc, tb)

    def _finish(self) -> None:
        if self.rows is not None:
            self.span.set_attribute("db.response.returned_rows", self.rows)
            batch = batch_rows.get()
            if batch is not None:
                batch.append(self.rows)


class RedisSpan(_ClientSpan):
    __slots__ = ("hit",)

    def __init__(self, span: Span) -> None:
        super().__init__(span)
        self.hit: bool | None = None

    def _finish(self) -> None:
        if self.hit is not None:
            self.span.set_attribute("cache.hit", self.hit)


class _Off:
    """What the helpers return with tracing off: accepts and ignores everything."""

    __slots__ = ()
    rows: int | None
    hit: bool | None

    def __enter__(self) -> _Off:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __setattr__(self, name: str, value: object) -> None:
        pass


OFF = _Off()


def sql_span(statement: str, *, system: str) -> SqlSpan | _Off:
    """One span per SQL statement. `statement` must be the parameterized text:
    values are never recorded. Set `.rows` before the block ends."""
    active = tracer()
    if active is None:
        return OFF
    operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
    span = active.start_span(
        operation,
        kind=SpanKind.CLIENT,
        attributes={
            "db.system": system,
            "db.operation": operation,
            "db.statement": statement[:MAX_STATEMENT_LENGTH],
        },
    )
    return SqlSpan(span)


def redis_span(command: str, *, key_prefix: str = "") -> RedisSpan | _Off:
    """One span per Redis call; set `.hit` for reads. Keys are shown by prefix only."""
    active = tracer()
    if active is None:
        return OFF
    span = active.start_span(
        f"redis {command}",
        kind=SpanKind.CLIENT,
        attributes={
            "db.system": "redis",
            "db.operation": command,
            "db.redis.key_prefix": key_prefix,
        },
    )
    return RedisSpan(span)


__all__ = [
    "OFF",
    "RedisSpan",
    "SqlSpan",
    "batch_rows",
    "install",
    "installed_tracer",
    "mark_executor",
    "mark_unsampled",
    "redis_span",
    "restore",
    "sql_span",
    "tracer",
    "traceresponse",
    "unmark_unsampled",
]
