"""What an HTTP adapter hands the pipeline: a typed GraphQL request."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from auth.tokens import Viewer


class Route(enum.Enum):
    """Which adapter read the request: the fast path hands over what it does not take."""

    GENERAL = "general"  # gql/http.py: every request
    FAST = "fast"  # gql/fast_path.py: plain queries (pipeline/fast_route.py)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation as the client sent it; after step 1, with the text to run."""

    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None = None
    document_id: object = None  # GraphQL-over-HTTP `documentId` (single requests only)
    registers: bool = False  # APQ: its text is stored once it was admitted and ran


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    operations: tuple[Operation, ...]
    batch: bool  # a JSON array of operations (even of one)
    method: str  # "GET" or "POST": which operation types it may run
    viewer: Viewer
    http: Any  # the HTTP request: whose bucket pays (`Steps.client_key`), `Context.request`
    route: Route = Route.GENERAL

    @property
    def is_get(self) -> bool:
        return self.method == "GET"
