"""What one HTTP request did, gathered for its log line and its metrics.

The middleware opens a `RequestRecord` per request in a context variable;
the GraphQL extension, the persisted-query policy, the executors and the
response cache fill it in from the same task. Nothing here costs more than
an attribute write.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from observability.document import DocumentMode
    from observability.operation import OperationScope
    from observability.server_timing import Phases


@dataclass(slots=True)
class RequestRecord:
    method: str
    path: str
    request_id: str = ""  # X-Request-ID (observability/request_id.py)
    operation_name: str | None = None
    operation_type: str | None = None
    executor: str | None = None
    error_codes: list[str] = field(default_factory=list)
    error_references: list[str] = field(default_factory=list)
    cache: str | None = None  # response cache: hit, miss, bypass, error (set by cache/)
    persisted_query: str | None = None  # hit, miss, registered, refused
    fast_path: bool = False  # answered by gql/fast_path.py, not the general route
    variables: dict[str, Any] | None = None  # kept only when LOG_VARIABLES allows
    operation_scope: OperationScope | None = field(default=None, repr=False)
    # Settings the GraphQL extension needs (the schema is built once, without settings).
    document_mode: DocumentMode = "masked"
    log_variables: bool = False
    max_tokens: int = 2_000  # MAX_TOKENS, for naming the operation (0: no limit)
    phases: Phases | None = None  # Server-Timing's, when it is on (observability/server_timing.py)


_current: ContextVar[RequestRecord | None] = ContextVar("fleetgraph_request", default=None)


def current_request() -> RequestRecord | None:
    return _current.get()


def open_request(record: RequestRecord) -> Token[RequestRecord | None]:
    """Make `record` the current request's; returns a token for `close_request`."""
    return _current.set(record)


def close_request(token: Token[RequestRecord | None]) -> None:
    _current.reset(token)


def note_cache_status(status: str) -> None:
    """For the response cache: how this request was answered (hit, miss, bypass, error)."""
    record = _current.get()
    if record is not None:
        record.cache = status


def note_fast_path() -> None:
    """For gql/fast_path.py: this request is answered without the general route."""
    record = _current.get()
    if record is not None:
        record.fast_path = True
