"""The response cache in front of the GraphQL view (mixed into gql.http's app).

`__call__` is the front door: after persisted-query resolution and the
viewer's token, a cacheable query's key is looked up; a hit is answered
right there (no Strawberry context, no execution), a miss runs the normal
view (whichever executor answers) as the single flight for its key, and
`process_result` turns the result into an entry. `execute_operation`
invalidates the tags a mutation recorded on its context once it has
executed (its transactions committed) and before its response is built, so
the response can say how that went: `extensions.cache.invalidation` is
"ok", "failed" (retried within the request deadline, then left to the
cache's background repair: cached answers may be stale until it succeeds)
or "none" (the mutation wrote nothing).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import strawberry
from graphql import GraphQLSchema
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from cache.entry import Entry
from cache.hints import Scope
from cache.keys import cache_key, schema_version, scope_key
from cache.metrics import requests_counter
from cache.operation_stats import count as count_operation
from cache.plan import CachePlan, plan_operation
from cache.schema_hints import SchemaHints
from cache.service import ResponseCache, Unavailable
from cache.tags import LEADERBOARD, LEADERBOARD_UNKNOWN_SEASON
from cache.walk import object_tags
from compat.strawberry import graphql_schema
from context import Context
from gql.http_errors import negotiate
from gql.registration import RegisteringRequest
from gql.schema import document_cache
from observability import note_cache_status
from prepared import DocumentCache
from web.codings import base_etag, choose_coding, coded_etag
from web.compression import VARY_VALUE

if TYPE_CHECKING:
    from cross_web import AsyncHTTPRequestAdapter
    from starlette.types import Message, Receive, Send
    from starlette.types import Scope as AsgiScope

    from auth.tokens import Viewer
    from config import Settings
    from gql.fast_path import CacheStep
    from limits import RequestGuard
    from prepared import PreparedDocument

_STATE = "fleetgraph.response_cache"
_PARSED = "fleetgraph.graphql_request_data"
_LOOKED_UP = "fleetgraph.response_cache.looked_up"
HIT_KEY = "fleetgraph.response_cache.hit_key"  # the key a hit was found under
_OPERATION = "fleetgraph.response_cache.operation"  # the looked-up operation's name


@dataclass(slots=True)
class _Query:
    """A cacheable query on its way through the view."""

    plan: CachePlan
    key: str | None  # None: the cache is unavailable (bypass; still answered with headers)
    variables: dict[str, Any] | None
    is_get: bool
    since: int = 0
    started: float = field(default_factory=time.monotonic)
    entry: Entry | None = None
    tags: set[str] = field(default_factory=set)
    sub_response: Response | None = None
    operation: str | None = None  # its name, for the per-operation counts


@dataclass(slots=True)
class _Bypass:
    reason: str
    sub_response: Response | None = None


class ResponseCacheView(GraphQL[Context, None]):
    if TYPE_CHECKING:
        settings: Settings
        guard: RequestGuard

        def viewer_of(self, request: Request) -> Viewer: ...

    _hints: SchemaHints | None = None
    _version: str | None = None

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        app = scope.get("app")
        cache: ResponseCache | None = getattr(app.state, "response_cache", None) if app else None
        if cache is None or scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        state = scope.get("state", {}).pop(_LOOKED_UP, None)  # the fast path's (gql/fast_path.py)
        if state is not None:
            replay = receive
        else:
            body = await request.body() if scope["method"] == "POST" else b""
            replay = _replay(body, receive)
            try:
                state = await self._front_door(request, cache)
            except Exception:
                # A bad token, body, persisted hash or limit: the view below raises it
                # again and answers it the way it always does.
                state = _Bypass("refused")
        if isinstance(state, Entry):
            operation = scope.get("state", {}).get(_OPERATION)
            await self._send_hit(request, state, cache, send, operation)
            return
        scope.setdefault("state", {})[_STATE] = state
        if isinstance(state, _Query) and state.key is not None:
            await self._miss(request, state, cache, replay, send)
            return
        if isinstance(state, _Query):
            requests_counter("bypass", cache.backend.name).inc()
            count_operation(state.operation, "bypass")
            note_cache_status("bypass")
        await super().__call__(scope, replay, send)

    async def answer_from_cache(
        self,
        request: Request,
        data: GraphQLRequestData,
        prepared: PreparedDocument,
        viewer: Viewer,
        send: Send,
    ) -> CacheStep:
        """The fast path's cache step (gql/fast_path.py): "sent" a hit, or "to view".

        A miss or bypass leaves its lookup in the scope for `__call__`, which
        answers it as usual (computing and storing a miss) without a second lookup.
        """
        app = request.scope.get("app")
        cache: ResponseCache | None = getattr(app.state, "response_cache", None) if app else None
        if cache is None:
            return "uncached"
        state = await self._look_up(request, cache, data, prepared, viewer)
        if isinstance(state, Entry):
            operation = request.scope.get("state", {}).get(_OPERATION)
            await self._send_hit(request, state, cache, send, operation)
            return "sent"
        request.scope.setdefault("state", {}).update({_LOOKED_UP: state, _PARSED: data})
        return "to view"

    async def send_cached(
        self,
        scope: AsgiScope,
        receive: Receive,
        send: Send,
        key: str,
        operation_name: str | None = None,
    ) -> bool:
        """Send the entry under `key` if there is one (the fast path's known requests)."""
        app = scope.get("app")
        cache: ResponseCache | None = getattr(app.state, "response_cache", None) if app else None
        if cache is None:
            return False
        try:
            entry = await cache.get(key)
        except Unavailable:
            return False
        if entry is None:
            return False
        await self._send_hit(Request(scope, receive), entry, cache, send, operation_name)
        return True

    async def _front_door(self, request: Request, cache: ResponseCache) -> Entry | _Query | _Bypass:
        adapter = self.request_adapter_class(request)
        if not self.is_request_allowed(adapter) or self.should_render_graphql_ide(adapter):
            return _Bypass("not an operation")
        viewer = self.viewer_of(request)
        data = await self.parse_http_body(adapter)
        request.scope.setdefault("state", {})[_PARSED] = data
        if isinstance(data, list):
            return _Bypass("batch")
        # Off the event loop when large and new (prepared/): this runs before the guard.
        prepared = await self._documents().prepare_async(data.query) if data.query else None
        if prepared is None or not prepared.is_valid:
            return _Bypass("invalid")
        return await self._look_up(request, cache, data, prepared, viewer)

    async def _look_up(
        self,
        request: Request,
        cache: ResponseCache,
        data: GraphQLRequestData,
        prepared: PreparedDocument,
        viewer: Viewer,
    ) -> Entry | _Query | _Bypass:
        """The entry for a valid single operation, or how the view is to answer it."""
        if isinstance(data, RegisteringRequest):
            return _Bypass("registration")  # runs (charged, then stored) rather than hits
        # The limits guard's document checks first: nothing reads the selections of
        # a document they refuse (the view below answers with their refusal).
        operation = self.guard.check_document(prepared, data.operation_name)
        if isinstance(operation, ExecutionResult):
            return _Bypass("refused")
        collected = prepared.selections.collect(operation)  # as checked: memoized
        slot = (plan_operation, cache.default_max_age)
        plan: CachePlan | None = collected.derived.get(slot)
        if plan is None:
            plan = collected.derived[slot] = plan_operation(
                self._graphql_schema(), self._schema_hints(), collected, cache.default_max_age
            )
        if plan.bypass is not None:
            return _Bypass(plan.bypass)
        key = cache_key(
            self._schema_version(),
            prepared.sha256,
            data.operation_name,
            data.variables,
            scope_key(plan.scope, viewer),
        )
        query = _Query(plan, key, data.variables, request.method == "GET")
        # The name in the document: a request may leave operationName out.
        query.operation = operation.name.value if operation.name else None
        try:
            entry = await cache.get(key)
        except Unavailable:
            query.key = None
            return query
        if entry is None:
            return query
        state = request.scope.setdefault("state", {})
        state[HIT_KEY] = key  # for the fast path's recipes
        state[_OPERATION] = query.operation
        return entry

    async def _miss(
        self, request: Request, query: _Query, cache: ResponseCache, receive: Receive, send: Send
    ) -> None:
        """Compute once per key: in this process through a shared future, across
        processes through a short lock whose waiters poll for the entry."""
        assert query.key is not None
        key = query.key
        flight = cache.flights.get(key)
        if flight is not None:
            entry = await asyncio.shield(flight)
            if entry is not None:
                await self._send_hit(request, entry, cache, send, query.operation)
                return
            await self._compute(request, query, cache, receive, send)
            return
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        cache.flights[key] = future
        locked = False
        try:
            locked = await cache.lock(key)
            # Locked: look again, since the lookup that missed may predate a flight
            # that has stored the entry and ended meanwhile (double-checked).
            entry = await cache.wait_for(key) if not locked else await self._stored(cache, key)
            if entry is not None:
                future.set_result(entry)
                await self._send_hit(request, entry, cache, send, query.operation)
                return
            await self._compute(request, query, cache, receive, send)
        finally:
            del cache.flights[key]
            if not future.done():
                future.set_result(query.entry)
            if locked:
                await cache.unlock(key)

    @staticmethod
    async def _stored(cache: ResponseCache, key: str) -> Entry | None:
        try:
            return await cache.get(key)
        except Unavailable:
            return None

    async def _compute(
        self, request: Request, query: _Query, cache: ResponseCache, receive: Receive, send: Send
    ) -> None:
        assert query.key is not None
        try:
            query.since = await cache.sequence()
        except Unavailable:
            query.key = None
        requests_counter("miss" if query.key else "bypass", cache.backend.name).inc()
        count_operation(query.operation, "miss" if query.key else "bypass")
        note_cache_status("miss" if query.key else "bypass")
        query.started = time.monotonic()
        await super().__call__(request.scope, receive, send)
        entry = query.entry
        stored = query.key is not None and entry is not None
        if stored and not await cache.put(query.key, entry, query.tags, query.since, query.started):  # type: ignore[arg-type]
            query.entry = None  # refused: followers compute for themselves

    async def _send_hit(
        self,
        request: Request,
        entry: Entry,
        cache: ResponseCache,
        send: Send,
        operation: str | None,
    ) -> None:
        requests_counter("hit", cache.backend.name).inc()
        count_operation(operation, "hit")
        note_cache_status("hit")
        max_age = entry.max_age(time.time())
        cache_control = _cache_control(entry.scope, max_age).encode()
        headers = [(b"cache-control", cache_control)]
        compressed = cache.compressed
        coding = None
        if compressed is not None and compressed.worth(entry):
            # As web/compression.py would: the coding chosen here, so it passes the hit on.
            coding = choose_coding(request.headers.get("accept-encoding"))
            headers.append((b"vary", VARY_VALUE))
        if request.method == "GET":
            etag = entry.etag if coding is None else coded_etag(entry.etag, coding)
            headers.append((b"etag", etag.encode()))
            if _matches(request.headers.get("if-none-match"), entry.etag):
                await _send(send, 304, headers, b"")
                return
        if coding is None:
            body = entry.hit(max_age)
        else:
            assert compressed is not None
            body = compressed.hit(entry, max_age, coding)
            headers.append((b"content-encoding", coding.encode()))
        media_type = negotiate(request.headers.get("accept"))  # GraphQL over HTTP
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-type", media_type.encode()))
        await _send(send, 200, headers, body)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # The front door parsed it already (and resolved its persisted query).
        parsed = _scope_state(request).get(_PARSED)
        if parsed is not None:
            return parsed  # type: ignore[no-any-return]
        return await super().parse_http_body(request)

    async def get_sub_response(self, request: Any) -> Response:
        sub_response = await super().get_sub_response(request)
        state = request.scope.get("state", {}).get(_STATE)
        if state is not None:
            state.sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response_data = await super().process_result(request, result)
        state = request.scope.get("state", {}).get(_STATE)
        if state is None:
            return response_data
        sub = state.sub_response
        if isinstance(state, _Bypass) or result.errors or response_data.get("data") is None:
            if sub is not None:
                sub.headers["cache-control"] = "no-store"
            status = "bypass" if isinstance(state, _Bypass) or state.key is None else "miss"
            reason = state.reason if isinstance(state, _Bypass) else None
            bypassed: dict[str, Any] = {"status": status, **({"reason": reason} if reason else {})}
            context = getattr(request.state, "graphql_context", None)
            invalidation = getattr(context, "invalidation", None)
            if invalidation is not None or reason == "mutation":
                bypassed["invalidation"] = invalidation or "none"
            return _with_meta(response_data, bypassed)
        plan = state.plan
        entry = Entry.of(response_data["data"], plan.scope, plan.max_age)
        state.entry = entry
        state.tags = plan.request_tags(state.variables) | object_tags(response_data["data"])
        state.tags |= _read_tags(request, state.tags)
        if sub is not None:
            sub.headers["cache-control"] = _cache_control(plan.scope, plan.max_age)
            if state.is_get:
                sub.headers["etag"] = entry.etag
        meta = {
            "status": "miss" if state.key else "bypass",
            "scope": plan.scope.value,
            "maxAge": plan.max_age,
        }
        return _with_meta(response_data, meta)

    async def execute_operation(
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Execute, then invalidate what the request's mutations wrote (their
        transactions have committed), before the response is built and sent."""
        try:
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        finally:
            if context.invalidates:
                await self._invalidate_writes(request, context)

    async def _invalidate_writes(self, request: Request, context: Context) -> None:
        cache: ResponseCache | None = getattr(request.app.state, "response_cache", None)
        if cache is None:
            return
        written, context.invalidates = context.invalidates, set()
        # The request's deadline (REQUEST_TIMEOUT_SECONDS from its start) bounds the
        # retries; the first attempt is made whatever the time.
        elapsed = (datetime.now(UTC) - context.now).total_seconds()
        deadline = time.monotonic() + self.settings.request_timeout_seconds - elapsed
        ok = await cache.invalidate(written, deadline=deadline)
        context.invalidation = "ok" if ok and context.invalidation != "failed" else "failed"

    def _graphql_schema(self) -> GraphQLSchema:
        return graphql_schema(cast("strawberry.Schema", self.schema))

    def _documents(self) -> DocumentCache:
        # The app's own cache (its limits policy) when it has one: one parse per document.
        documents: DocumentCache | None = getattr(self, "documents", None)
        return documents or document_cache(cast("strawberry.Schema", self.schema))

    def _schema_hints(self) -> SchemaHints:
        if self._hints is None:
            self._hints = SchemaHints.of(self._graphql_schema())
        return self._hints

    def _schema_version(self) -> str:
        if self._version is None:
            self._version = schema_version(self.schema.as_str())
        return self._version


def _read_tags(request: Request, tags: set[str]) -> set[str]:
    """What execution recorded it read (`Context.reads`); a leaderboard or rank
    whose season went unrecorded gets the tag every trip write invalidates."""
    context = getattr(request.state, "graphql_context", None)
    reads: set[str] = set(getattr(context, "reads", ()))
    if LEADERBOARD in tags and not any(tag.startswith(LEADERBOARD + ":") for tag in reads):
        reads.add(LEADERBOARD_UNKNOWN_SEASON)
    return reads


def _scope_state(request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
    starlette_request = getattr(request, "request", None)
    if starlette_request is None:
        return {}
    state: dict[str, Any] = starlette_request.scope.get("state", {})
    return state


def _with_meta(response_data: GraphQLHTTPResponse, meta: dict[str, Any]) -> GraphQLHTTPResponse:
    """`extensions.cache` first among the extensions, extensions last (as `Entry.render`)."""
    others = response_data.get("extensions") or {}
    out: dict[str, Any] = {k: v for k, v in response_data.items() if k != "extensions"}
    out["extensions"] = {"cache": meta, **others}
    return out  # type: ignore[return-value]


def _cache_control(scope: Scope, max_age: int) -> str:
    return f"{'private' if scope is Scope.PRIVATE else 'public'}, max-age={max_age}"


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110): the validators are equal ignoring `W/` and the
    coding's suffix (`web.coded_etag`): every coding holds the same data."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(
        base_etag(tag.strip()).removeprefix("W/") == wanted for tag in if_none_match.split(",")
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for the view after the front door read the body: the body once,
    then whatever the client sends next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    """A hit goes out as two ASGI messages: no response object on the hottest path."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
