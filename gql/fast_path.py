"""The fast path: plain GraphQL POSTs answered without the general HTTP machinery.

Most traffic is one query sent as `POST /graphql` with a JSON body holding
`query` (or an Apollo APQ hash in `extensions.persistedQuery`),
`operationName` and `variables`. For those, the general route
(Starlette's router, the request-size middleware, Strawberry's body
parsing and response objects) costs about as much CPU as a small planned
execution. This middleware, placed inside the observability middleware,
reads them into a `GraphQLRequest` and runs the same pipeline as the general
route (pipeline/sequence.py), replying through the same writer
(gql/replies.py), so an answer is the general route's byte for byte
(tests/gql/test_fast_path.py compares them).

Anything else goes to the general route untouched: another method, path or
content type, a body without Content-Length or over the limit, a batch, a
`documentId` or other `extensions`, an unknown or mismatched APQ hash, a bad
token, trusted-documents mode (the general route then reads the body this
middleware already read). What the pipeline's fast route does not take
(pipeline/fast_route.py: an invalid document, a mutation, a registration, a
response-cache miss) is handed over to the general route with the steps
already run (`GraphQLApp.answer_handed_over`).

Recipes: an anonymous body answered from the response cache is remembered
with its cache key, so its repeats skip decoding, the persisted store,
validation and key derivation (docs/decisions/0014-http-fast-path.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from auth import TokenError
from bounded import BoundedLRU, budget
from gql.admission import Admission
from gql.refusals import refusal
from gql.replies import HttpReply
from limits import RequestRejected
from observability import note_fast_path
from observability.decisions import note_persisted_query
from observability.request import current_request
from persisted import PersistedQueryError
from pipeline import GraphQLRequest, HandOver, Operation, Route, Steps, run
from web.asgi_body import read_body, replay

_JSON = frozenset({b"application/json", b"application/json; charset=utf-8"})
_PLAIN_KEYS = frozenset({"query", "operationName", "variables", "extensions"})


Caller = Literal["anonymous", "authorized"]
MAX_RECIPES = 1024
MAX_RECIPE_BODY = 8 * 1024  # bodies remembered, within budget.FAST_PATH_BODIES in all


class GeneralRoute(Protocol):
    """What the fast path needs of the general route (gql/http.py's `GraphQLApp`)."""

    @property
    def steps(self) -> Steps: ...

    @property
    def admission(self) -> Admission: ...

    async def answer_handed_over(
        self, scope: Scope, receive: Receive, send: Send, request: GraphQLRequest, state: HandOver
    ) -> None: ...


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
        self, app: ASGIApp, *, view: GeneralRoute, max_body_bytes: int, path: str = "/graphql"
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
        body, last = await read_body(receive)
        if last is not None:  # the client went away mid-body
            await self.app(scope, replay(body, receive, last), send)
            return
        steps = self.view.steps
        recipe = self._recipes.get(body) if caller == "anonymous" else None
        if recipe is not None and steps.cache is not None:
            hit = await steps.cache.hit_for(recipe.key, recipe.operation_name)
            if hit is not None:
                await HttpReply(Request(scope, receive), send).hit(hit)
                recipe.note()
                return
        operation = plain_operation(body)
        if operation is None or not steps.persisted.runs_any_text:
            await self.app(scope, replay(body, receive), send)
            return
        request = Request(scope, receive)
        try:
            viewer = self.view.admission.viewer_of(request)
        except TokenError:  # the general route refuses it
            await self.app(scope, replay(body, receive), send)
            return
        graphql = GraphQLRequest((operation,), False, "POST", viewer, request, Route.FAST)
        reply = HttpReply(request, send)
        try:
            handed_over = await run(graphql, steps, reply)
        except PersistedQueryError:  # the general route refuses it
            await self.app(scope, replay(body, receive), send)
            return
        except (RequestRejected, HTTPException) as exc:
            await refusal(request, exc)(scope, receive, send)
            handed_over = None
        if handed_over is not None:
            await self.view.answer_handed_over(scope, receive, send, graphql, handed_over)
            return
        note_fast_path()
        if caller == "anonymous" and reply.hit_key is not None:
            self._remember(body, reply.hit_key)

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

    def _remember(self, body: bytes, key: str) -> None:
        """An anonymous body answered from the cache: next time, straight to its key."""
        record = current_request()
        if record is None:
            return
        if record.persisted_query not in {None, "hit"}:
            return  # a registration: its replay must register again (the general route)
        persisted = record.persisted_query == "hit"
        recipe = _Recipe(key, record.operation_name, record.operation_type, persisted)
        self._recipes.put(body, recipe)  # refused when the body is over MAX_RECIPE_BODY


def plain_operation(body: bytes) -> Operation | None:
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
    return Operation(query, name, variables, extensions)
