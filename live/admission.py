"""A subscription's admission: the rules queries follow, then the live ones.

The document goes through the pipeline's own steps: persisted documents and
trusted mode (step 1), parse, limits and validation (step 2), the cost budget
and rate limit (the limits guard). Then it must be a subscription. Refusals
raise `Refused` with GraphQL errors carrying stable codes, which each transport
sends in its own way (an `error` message, an HTTP error body).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from graphql import OperationDefinitionNode, OperationType
from strawberry.types import ExecutionResult

from auth.tokens import Viewer
from persisted import PersistedQueryError
from pipeline import GraphQLRequest, Operation, Steps
from pipeline.persisted_documents import resolve


class Refused(Exception):
    def __init__(self, errors: list[dict[str, Any]], status: int = 400) -> None:
        super().__init__(errors[0]["message"] if errors else "refused")
        self.errors = errors
        self.status = status  # for transports that answer over HTTP (SSE)

    @classmethod
    def of(cls, message: str, code: str, status: int = 400) -> Refused:
        return cls([{"message": message, "extensions": {"code": code}}], status)

    def __repr__(self) -> str:
        return f"Refused({self.errors!r})"


@dataclass(frozen=True, slots=True)
class Admitted:
    text: str
    operation_name: str | None
    variables: dict[str, Any] | None
    admin: bool  # the viewer scope: only admins see private fields

    @property
    def key(self) -> tuple[Any, ...]:
        """Subscribers with equal keys share one computation (a group)."""
        variables = orjson.dumps(self.variables or {}, option=orjson.OPT_SORT_KEYS)
        return (self.text, self.operation_name, variables, self.admin)


async def admit(steps: Steps, sent: Operation, viewer: Viewer, connection: Any) -> Admitted:
    request = GraphQLRequest((sent,), False, "POST", viewer, connection)
    try:
        (operation,) = await resolve(request, steps.persisted)
    except PersistedQueryError as exc:
        raise Refused.of(exc.message, exc.code, exc.status) from exc
    if not operation.query:
        raise Refused.of("No GraphQL query found in the request.", "BAD_REQUEST")
    prepared = await steps.documents.prepare_async(operation.query)
    checked = steps.guard.check_document(prepared, operation.operation_name)
    if isinstance(checked, ExecutionResult):
        raise Refused(_formatted(checked))
    if not isinstance(checked, OperationDefinitionNode) or (
        checked.operation is not OperationType.SUBSCRIPTION
    ):
        message = "Only subscriptions are served here; send queries and mutations over HTTP."
        raise Refused.of(message, "OPERATION_NOT_SUPPORTED")

    async def admitted(items: list[Operation]) -> list[ExecutionResult]:
        return [ExecutionResult(data=None, errors=None) for _ in items]

    client = steps.client_key(connection, viewer)
    [result] = await steps.guard.run([operation], client, {}, admitted)
    if result.errors:
        raise Refused(_formatted(result), 429 if _code(result) == "THROTTLED" else 400)
    return Admitted(operation.query, operation.operation_name, operation.variables, viewer.is_admin)


def _formatted(result: ExecutionResult) -> list[dict[str, Any]]:
    return [error.formatted for error in result.errors or ()]  # type: ignore[misc]


def _code(result: ExecutionResult) -> object:
    return ((result.errors or [])[0].extensions or {}).get("code")
