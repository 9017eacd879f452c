"""The fast path: plain GraphQL POSTs answered without the general HTTP machinery.

Most traffic is one query sent as `POST /graphql` with a JSON body holding
`query` (or an Apollo APQ hash in `extensions.persistedQuery`),
`operationName` and `variables`. For those, the general route
(Starlette's router, the request-size middleware, Strawberry's body
parsing and response objects) costs about as much CPU as a small planned
execution. This middleware, placed inside the observability middleware,
answers them with the view's own steps (`GraphQLApp.answer_plain`: the
token, the response cache's lookup, the limits guard, either executor, the
result shaping), so an answer is the general route's byte for byte
(tests/gql/test_fast_path.py compares them).

Anything else goes to the general route untouched: another method, path or
content type, a body without Content-Length or over the limit, a batch, a
`documentId` or other `extensions`, an unknown or mismatched APQ hash, an
invalid document, a mutation, a bad token, trusted-documents mode, a
response-cache miss (the cache view computes and stores it). The view
then reads the body this middleware already read.

Recipes: an anonymous body answered from the response cache is remembered
with its cache key, so its repeats skip decoding, the persisted store,
validation and key derivation (docs/decisions/0014-http-fast-path.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import orjson
from graphql import OperationDefinitionNode, OperationType
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http import GraphQLRequestData

from bounded import BoundedLRU, budget
from cache.view import HIT_KEY
from observability import note_fast_path
from observability.decisions import note_persisted_query
from observability.request import current_request
from prepared import Memo, PreparedDocument

# What the response cache did with a plain query: sent a hit, left it to the
# view (a miss to compute and store, or a bypass), or there is no cache.
CacheStep = Literal["sent", "to view", "uncached"]

_JSON = frozenset({b"application/json", b"application/json; charset=utf-8"})
_PLAIN_KEYS = frozenset({"query", "operationName", "variables", "extensions"})


Caller = Literal["anonymous", "authorized"]
MAX_RECIPES = 1024
MAX_RECIPE_BODY = 8 * 1024  # bodies remembered, within budget.FAST_PATH_BODIES in all


class PlainAnswerer(Protocol):
    async def answer_plain(
        self, scope: Scope, receive: Receive, send: Send, data: GraphQLRequestData
    ) -> bool: ...

    async def send_cached(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: str,
        operation_name: str | None = None,
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Recipe:
    """What an anonymous body was answered with: its response-cache key, and the
    operation it names (for the request's log line and metrics)."""

    key: str
    operation_name: str | None
    operation_type: str | None
    persisted: bool  # an APQ hash-only body: its text came from the persisted store

    def note(self) -> None:
        record = current_request()
        if record is not None:
            record.operation_name = self.operation_name
            record.operation_type = self.operation_type
            record.fast_path = True
        if self.persisted:
            note_persisted_query("hit")  # the store is not asked again: the body says it all


class FastPath:
    def __init__(
        self, app: ASGIApp, *, view: PlainAnswerer, max_body_bytes: int, path: str = "/graphql"
    ) -> None:
        self.app = app
        self.view = view
        self.max_body_bytes = max_body_bytes
        self.path = path
        # Anonymous bodies recently answered from the response cache, by body: their
        # key is a function of the body alone (no viewer), so a repeat skips parsing,
        # validation and key derivation. Only keys are kept; the entry is looked up
        # (and may be gone) every time.
        self._recipes: BoundedLRU[bytes, _Recipe] = BoundedLRU(
            MAX_RECIPES,
            budget.FAST_PATH_BODIES,
            max_entry_bytes=MAX_RECIPE_BODY,
            weigh=lambda body, _: len(body),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        caller = self._plain_caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        body, last = await _read_body(receive)
        if last is not None:  # the client went away mid-body
            await self.app(scope, _replay(body, receive, last), send)
            return
        recipe = self._recipes.get(body) if caller == "anonymous" else None
        if recipe is not None and await self.view.send_cached(
            scope, receive, send, recipe.key, recipe.operation_name
        ):
            recipe.note()
            return
        data = plain_request(body)
        if data is not None and await self.view.answer_plain(scope, receive, send, data):
            note_fast_path()
            if caller == "anonymous":
                self._remember(body, scope)
            return
        await self.app(scope, _replay(body, receive), send)

    def _plain_caller(self, scope: Scope) -> Caller | None:
        """Who sends a JSON body within the limit and no query string; None: not plain."""
        if scope.get("query_string"):
            return None
        length = content_type = None
        caller: Caller = "anonymous"
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"content-type":
                content_type = value
            elif name == b"authorization":
                caller = "authorized"
        if length is None or content_type is None or content_type.lower() not in _JSON:
            return None
        try:
            return caller if 0 < int(length) <= self.max_body_bytes else None
        except ValueError:
            return None

    def _remember(self, body: bytes, scope: Scope) -> None:
        """An anonymous body answered from the cache: next time, straight to its key."""
        key = scope.get("state", {}).get(HIT_KEY)
        record = current_request()
        if key is None or record is None:
            return
        if record.persisted_query not in {None, "hit"}:
            return  # a registration: its replay must register again (the general route)
        persisted = record.persisted_query == "hit"
        recipe = _Recipe(key, record.operation_name, record.operation_type, persisted)
        self._recipes.put(body, recipe)  # refused when the body is over MAX_RECIPE_BODY


def plain_request(body: bytes) -> GraphQLRequestData | None:
    """The request a body of query (or an APQ `persistedQuery` extension, or both),
    operationName and variables makes; else None."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(decoded, dict) or not decoded.keys() <= _PLAIN_KEYS:
        return None
    query = decoded.get("query")
    name = decoded.get("operationName")
    variables = decoded.get("variables")
    extensions = decoded.get("extensions")
    if extensions is not None and (
        not isinstance(extensions, dict) or extensions.keys() != {"persistedQuery"}
    ):
        return None  # other extensions are the general route's to interpret
    if (
        not isinstance(query, str | None)
        or (query is None and extensions is None)
        or not isinstance(name, str | None)
        or not isinstance(variables, dict | None)
    ):
        return None
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=name,
        extensions=extensions,
        protocol="http",
    )


IS_QUERY: Memo[bool] = Memo("fast_path.is_query")


def is_query(prepared: PreparedDocument, operation_name: str | None) -> bool:
    """Whether the operation the request names (or the only one) is a query."""
    known = prepared.memo.get(IS_QUERY, operation_name)
    if known is None:
        operation = _operation(prepared, operation_name)
        if operation is None:
            return False  # not remembered: clients choose the names they send
        known = prepared.memo.set(
            IS_QUERY, operation_name, operation.operation is OperationType.QUERY
        )
    return known


def _operation(
    prepared: PreparedDocument, operation_name: str | None
) -> OperationDefinitionNode | None:
    if prepared.document is None:
        return None
    found: OperationDefinitionNode | None = None
    for definition in prepared.document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is None:
            if found is not None:
                return None  # several operations: the view says which name is needed
            found = definition
        elif definition.name is not None and definition.name.value == operation_name:
            return definition
    return found


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or what came before a message that is not body (a disconnect).

    `receive` is bounded by the body read timeout (limits/body_timeout.py, outside
    this middleware): a body that never comes ends the request with 408 there.
    """
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
