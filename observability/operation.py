"""The GraphQL operation span and what an operation reports to metrics and logs.

One `OperationScope` per operation, whichever executor answers it:
`operation_scope` is opened by the HTTP view around both executors
(gql/http.py `execute_single`); the Strawberry extension adopts the open
scope (or opens its own when the schema is executed directly) and adds the
parse/validate/execute spans beneath it.

The span is named after the OTel GraphQL conventions: "query Name" (or the
type alone for an anonymous operation) with graphql.operation.name,
graphql.operation.type and graphql.document.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from graphql import GraphQLError, parse
from graphql.utilities import get_operation_ast
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from bounded import BoundedLRU, budget
from observability import tracing
from observability.document import document_attribute
from observability.metrics import GRAPHQL_ERRORS
from observability.request import RequestRecord, current_request

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from observability.server_timing import Phases

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")

# The document policy's default MAX_TOKENS (limits/), for operations run without the
# middleware's request record (the schema executed directly).
DEFAULT_MAX_TOKENS = 2_000
# Identified operations, remembered (clients repeat documents): by text up to
# MAX_TEXT_KEY characters, by the text's sha256 beyond.
MAX_TEXT_KEY = 2048
_Key = tuple[str | bytes, str | None]
_identified: BoundedLRU[_Key, tuple[str | None, str]] = BoundedLRU(
    512, budget.OPERATION_NAMES, max_entry_bytes=16 * 1024
)


def _identify(
    text: str, operation_name: str | None, record: RequestRecord | None
) -> tuple[str | None, str | None]:
    """(name, type) of the operation `text` runs, parsed within the token limit: a
    document over it (or one that does not parse) is named as the request names it."""
    key: _Key = (
        text if len(text) <= MAX_TEXT_KEY else hashlib.sha256(text.encode()).digest(),
        operation_name,
    )
    found = _identified.get(key)
    if found is not None:
        return found
    max_tokens = DEFAULT_MAX_TOKENS if record is None else record.max_tokens
    try:
        document = parse(text, no_location=True, max_tokens=max_tokens or None)
    except GraphQLError:
        return operation_name, None
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return operation_name, None  # not remembered: a name the document does not hold
    found = (operation.name.value if operation.name else None, operation.operation.value)
    _identified.put(key, found)
    return found


def note_operation(text: str | None, operation_name: str | None) -> None:
    """Name the current request's operation early (a cached response never executes)."""
    record = current_request()
    if record is not None and text:
        record.operation_name, record.operation_type = _identify(text, operation_name, record)


class OperationScope:
    """One operation: its span (when tracing is on) and its request record."""

    def __init__(self, text: str | None, operation_name: str | None = None) -> None:
        self.record: RequestRecord | None = current_request()
        self.span: Span | None = None
        self.errors: list[GraphQLError] | None = None  # what the client gets, set by the owner
        self._token: Any = None
        record = self.record
        name, operation_type = (
            _identify(text, operation_name, record) if text else (operation_name, None)
        )
        if record is not None:
            record.operation_name = name
            record.operation_type = operation_type
            record.operation_scope = self
        active = tracing.tracer()
        if active is None:
            return
        attributes: dict[str, Any] = {}
        if operation_type is not None:
            attributes["graphql.operation.type"] = operation_type
        if name:
            attributes["graphql.operation.name"] = name
        document = None
        if text:
            document = document_attribute(text, record.document_mode if record else "masked")
        if document is not None:
            attributes["graphql.document"] = document
        span_name = f"{operation_type} {name}" if name else operation_type or "GraphQL Operation"
        self.span = active.start_span(span_name, attributes=attributes)
        self._token = otel_context.attach(trace.set_span_in_context(self.span))

    def set_attribute(self, key: str, value: str | int | bool) -> None:
        if self.span is not None:
            self.span.set_attribute(key, value)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """A child span for parse, validate or execute."""
        active = tracing.tracer()
        if active is None or self.span is None:
            yield
            return
        with active.start_as_current_span(
            name, record_exception=True, set_status_on_exception=True
        ):
            yield

    def exceptions(self, errors: Iterable[GraphQLError]) -> None:
        """Record the unexpected exceptions behind `errors` on the operation span."""
        if self.span is None:
            return
        from errors import DomainError  # a leaf package

        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, DomainError):
                self.span.record_exception(original)

    def finish(self) -> None:
        """Close the operation with the (coded) errors its response carries."""
        codes: list[str] = []
        record = self.record
        for error in self.errors or ():
            extensions = error.extensions or {}
            code = extensions.get("code")
            code = code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"
            codes.append(code)
            GRAPHQL_ERRORS.labels(code).inc()
            reference = extensions.get("reference")
            if record is not None and isinstance(reference, str):
                record.error_references.append(reference)
        if record is not None:
            record.error_codes.extend(codes)
            if record.operation_scope is self:
                record.operation_scope = None
        span = self.span
        if span is None:
            return
        if record is not None and record.executor:
            span.set_attribute("graphql.executor", record.executor)
        if codes:
            span.set_attribute("graphql.error.codes", codes)
            span.set_status(Status(StatusCode.ERROR, ", ".join(sorted(set(codes)))))
        otel_context.detach(self._token)
        span.end()


def current_scope() -> OperationScope | None:
    record = current_request()
    return record.operation_scope if record is not None else None


@contextmanager
def operation_scope(
    text: str | None, operation_name: str | None = None
) -> Iterator[OperationScope]:
    """Open the operation's scope; set `.errors` to the response's errors before leaving.

    Re-entrant: inside an open scope it yields that one, which its opener closes.
    """
    scope = current_scope()
    if scope is not None:
        yield scope
        return
    scope = OperationScope(text, operation_name)
    try:
        yield scope
    finally:
        scope.finish()


class _Request(Protocol):
    @property
    def query(self) -> str | None: ...
    @property
    def operation_name(self) -> str | None: ...
    @property
    def variables(self) -> dict[str, Any] | None: ...


class _Result(Protocol):
    @property
    def errors(self) -> Sequence[GraphQLError] | None: ...


class observe_operations:  # lower case: a context manager used like a function
    """One scope around a single operation's whole journey (admission checks included).

    `with observe_operations(items) as done:` gives `done(results)` to call
    with the results. A batch gets no outer scope: each admitted operation
    opens its own in the executor. A class rather than a generator: it runs
    on every request, and the generator's machinery cost more than its work.
    """

    __slots__ = ("_item", "_opened", "_phases", "_scope", "_started")

    def __init__(self, items: Sequence[_Request]) -> None:
        self._item = items[0] if len(items) == 1 else None
        self._scope: OperationScope | None = None
        self._opened = False
        self._phases: Phases | None = None
        self._started = 0.0

    def __enter__(self) -> Callable[[Sequence[_Result]], None]:
        item = self._item
        if item is None:
            return _ignore
        scope = current_scope()  # re-entrant, as `operation_scope`
        if scope is None:
            scope, self._opened = OperationScope(item.query, item.operation_name), True
        self._scope = scope
        record = scope.record
        if record is not None:
            if record.log_variables and item.variables:
                record.variables = dict(item.variables)
            if record.phases is not None:  # Server-Timing's `execute`
                self._phases, self._started = record.phases, time.perf_counter()
        return self._done

    def _done(self, results: Sequence[_Result]) -> None:
        assert self._scope is not None
        self._scope.errors = list(results[0].errors or ()) if results else None

    def __exit__(self, *exc_info: object) -> None:
        if self._phases is not None:
            self._phases.execute += time.perf_counter() - self._started
        if self._opened:
            assert self._scope is not None
            self._scope.finish()


def _ignore(results: Sequence[_Result]) -> None:
    """`done` for a batch: each operation reported its own."""
