"""Step 5, the reference executor: Strawberry's schema runs the operation.

Its parse and validate steps are answered from the prepared-document cache
(gql/documents.py's extension), its resolvers are the project's. Requests it
cannot run are refused as GraphQL over HTTP says (as Strawberry's view would).
"""

from __future__ import annotations

import strawberry
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from context import Context
from limits import RequestRejected
from pipeline.request import Operation

SUBSCRIPTIONS = (
    "Subscriptions are served over WebSocket (graphql-transport-ws) or Server-Sent Events "
    "(a POST with `Accept: text/event-stream`) at this path."
)


async def execute_reference(
    schema: strawberry.Schema, operation: Operation, context: Context, method: str
) -> ExecutionResult:
    try:
        return await schema.execute(
            operation.query,
            root_value=None,
            variable_values=operation.variables,
            context_value=context,
            operation_name=operation.operation_name,
            # Subscriptions are live/'s (WebSocket, SSE), never a plain HTTP answer.
            allowed_operation_types=OperationType.from_http(method) - {OperationType.SUBSCRIPTION},  # type: ignore[arg-type]
            operation_extensions=operation.extensions,
        )
    except CannotGetOperationTypeError as exc:
        raise RequestRejected("BAD_REQUEST", exc.as_http_error_reason()) from exc
    except InvalidOperationTypeError as exc:  # a mutation over GET, or a subscription
        if exc.operation_type is OperationType.SUBSCRIPTION:
            raise RequestRejected("OPERATION_NOT_SUPPORTED", SUBSCRIPTIONS) from exc
        allow = "POST" if method == "GET" else "GET, POST"
        raise RequestRejected(
            "METHOD_NOT_ALLOWED", exc.as_http_error_reason(method), 405, {"Allow": allow}
        ) from exc
    except MissingQueryError as exc:
        raise RequestRejected("BAD_REQUEST", "No GraphQL query found in the request") from exc
