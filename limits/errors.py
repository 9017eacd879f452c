"""Refusals before execution: one GraphQL error with a stable code and an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError


def coded_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


class RequestRejected(Exception):
    """The request is answered with `{"errors": [...]}` and `status`, never executed."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status})"

    def to_json(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
