"""The fast path: plain GraphQL POSTs answered without the general HTTP machinery.

Most traffic is one query sent as `POST /graphql` with a JSON body holding
`query`, `operationName` and `variables`. For those, the general route
(Starlette's router, the request-size middleware, Strawberry's body
parsing, persisted-query resolution) costs about as much CPU as a planned
execution. This middleware, placed inside the observability middleware,
answers them with the view's own steps (`GraphQLApp.answer_plain`: the
token, the response cache's lookup, the limits guard, either executor, the
result shaping), so an answer is the general route's byte for byte
(tests/gql/test_fast_path.py compares them).

Anything else goes to the general route untouched: another method, path or
content type, a body without Content-Length or over the limit, a batch, a
persisted-query `extensions` or `documentId`, an invalid document, a
mutation, a bad token, a response-cache miss (the cache view computes and
stores it). The view then reads the body this middleware already read.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import orjson
from graphql import OperationDefinitionNode, OperationType
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http import GraphQLRequestData

from gql.documents import PreparedDocument
from observability import note_fast_path

# What the response cache did with a plain query: sent a hit, left it to the
# view (a miss to compute and store, or a bypass), or there is no cache.
CacheStep = Literal["sent", "to view", "uncached"]

_JSON = frozenset({b"application/json", b"application/json; charset=utf-8"})
_PLAIN_KEYS = frozenset({"query", "operationName", "variables"})


class PlainAnswerer(Protocol):
    async def answer_plain(
        self, scope: Scope, receive: Receive, send: Send, data: GraphQLRequestData
    ) -> bool: ...


class FastPath:
    def __init__(
        self, app: ASGIApp, *, view: PlainAnswerer, max_body_bytes: int, path: str = "/graphql"
    ) -> None:
        self.app = app
        self.view = view
        self.max_body_bytes = max_body_bytes
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        if not self._plain_headers(scope):
            await self.app(scope, receive, send)
            return
        body, last = await _read_body(receive)
        if last is not None:  # the client went away mid-body
            await self.app(scope, _replay(body, receive, last), send)
            return
        data = plain_request(body)
        if data is not None and await self.view.answer_plain(scope, receive, send, data):
            note_fast_path()
            return
        await self.app(scope, _replay(body, receive), send)

    def _plain_headers(self, scope: Scope) -> bool:
        """A JSON body whose declared length is within the limit, and no query string."""
        if scope.get("query_string"):
            return False
        length = content_type = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"content-type":
                content_type = value
        if length is None or content_type is None or content_type.lower() not in _JSON:
            return False
        try:
            return 0 < int(length) <= self.max_body_bytes
        except ValueError:
            return False


def plain_request(body: bytes) -> GraphQLRequestData | None:
    """The request a body of only query, operationName and variables makes; else None."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(decoded, dict) or not decoded.keys() <= _PLAIN_KEYS:
        return None
    query = decoded.get("query")
    name = decoded.get("operationName")
    variables = decoded.get("variables")
    if (
        not isinstance(query, str)
        or not isinstance(name, str | None)
        or not isinstance(variables, dict | None)
    ):
        return None
    return GraphQLRequestData(
        query=query, variables=variables, operation_name=name, extensions=None, protocol="http"
    )


def is_query(prepared: PreparedDocument, operation_name: str | None) -> bool:
    """Whether the operation the request names (or the only one) is a query."""
    if prepared.document is None:
        return False
    found: OperationDefinitionNode | None = None
    for definition in prepared.document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is None:
            if found is not None:
                return False  # several operations: the view says which name is needed
            found = definition
        elif definition.name is not None and definition.name.value == operation_name:
            found = definition
            break
    return found is not None and found.operation is OperationType.QUERY


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or what came before a message that is not body (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, receive: Receive, last: Message | None = None) -> Receive:
    """`receive` for the general route: the body read so far, then what came after it."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": last is not None}]
    if last is not None:
        pending.append(last)

    async def replay() -> Any:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
