"""What a client sent, read from a transport's JSON: the operation and the token."""

from __future__ import annotations

from typing import Any

from pipeline import Operation


def authorization_of(payload: dict[str, Any]) -> str | None:
    for name in ("authorization", "Authorization"):
        value = payload.get(name)
        if isinstance(value, str):
            return value
    token = payload.get("token")
    return f"Bearer {token}" if isinstance(token, str) else None


def operation_of(payload: dict[str, Any]) -> Operation | None:
    query, name = payload.get("query"), payload.get("operationName")
    variables, extensions = payload.get("variables"), payload.get("extensions")
    if not isinstance(query, str | None) or not isinstance(name, str | None):
        return None
    if query == "":  # graphql-ws requires a string: a persisted document's hash-only subscribe
        query = None
    if not isinstance(variables, dict | None) or not isinstance(extensions, dict | None):
        return None
    document_id = payload.get("documentId")
    return Operation(query, name, variables, extensions, document_id)
