"""Give every error a stable `extensions.code`; mask the unexpected ones.

Domain errors keep their message and code. Anything else raised by a
resolver becomes "Internal server error" with a reference id that is also
logged, so a bug never leaks internals to clients.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from opentelemetry import trace
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from db.faults import SERVICE_UNAVAILABLE, TIMEOUT, fault_code
from errors import DomainError

logger = logging.getLogger("fleetgraph.errors")

FAULT_MESSAGES = {
    SERVICE_UNAVAILABLE: "Service unavailable: the database cannot be reached. Retry later.",
    TIMEOUT: "A database statement exceeded its time limit.",
}


def _recoded(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    """`error` at the same place, with another message and extensions."""
    return GraphQLError(
        message, error.nodes, error.source, error.positions, error.path, extensions=extensions
    )


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions = error.extensions or {}
    if isinstance(original, DomainError):
        return _recoded(error, original.message, {**extensions, "code": original.code})
    if isinstance(original, GraphQLError):
        # graphql-core's own refusal of a client's value (a variable a scalar cannot
        # represent): the client's mistake, said in graphql-core's words.
        return _recoded(error, error.message, {**extensions, "code": "BAD_USER_INPUT"})
    if original is None:
        code = extensions.get("code") or "GRAPHQL_VALIDATION_FAILED"
        return _recoded(error, error.message, {**extensions, "code": code})
    reference = uuid.uuid4().hex[:12]
    fault = fault_code(original)
    if fault is not None:  # an outage or a timeout, not a bug: named, still not detailed
        logger.warning("database %s ref=%s path=%s: %r", fault, reference, error.path, original)
        return _recoded(error, FAULT_MESSAGES[fault], {"code": fault, "reference": reference})
    logger.error(
        "unexpected resolver error ref=%s path=%s", reference, error.path, exc_info=original
    )
    trace.get_current_span().set_attribute("error.reference", reference)
    internal = {"code": "INTERNAL_SERVER_ERROR", "reference": reference}
    return _recoded(error, "Internal server error", internal)


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_coded(error) for error in result.errors]

    def on_stream_result(self, result: Any) -> Iterator[None]:
        # A subscription's results (live/) are sent one by one, long before its
        # operation ends: each is coded on its way out.
        if isinstance(result, ExecutionResult) and result.errors:
            result.errors = [_coded(error) for error in result.errors]
        yield
