"""GraphQL over HTTP: Strawberry's ASGI view with our context and orjson.

Persisted queries (`persisted/`) are resolved in `parse_http_body`, before
Strawberry parses the document: the text comes from the store, or the
request ends early with a JSON error.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from auth import TokenError, decode_token
from auth.tokens import ANONYMOUS, Viewer
from compat.strawberry import graphql_schema
from config import Settings
from context import Context
from gql import graphiql
from gql.fast_path import CacheStep, is_query
from gql.http_errors import JSON, error_response, negotiate, shape, status_for
from gql.planned import (
    FIELD_REGISTRY,
    Fallback,
    fallback_for,
    mark_reference,
    note_fallback,
    run_planned,
    try_planned,
)
from gql.registration import register_admitted, registering
from gql.schema import document_cache
from limits import (
    DocumentPolicy,
    RateLimiter,
    RequestGuard,
    RequestRejected,
    check_batch,
    check_batch_items,
)
from limits.rate_limiter import ANONYMOUS_PREFIX
from limits.scans import object_scan
from loaders import Loaders
from observability.operation import note_operation, observe_operations, operation_scope
from observability.tracing import mark_executor
from persisted import PersistedDocuments, PersistedQueryError
from planner import Bound, Planner, Unplannable
from planner.metrics import count_reference
from prepared import PreparedDocument


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter, keeping the Starlette request it wraps."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLApp(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter

    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql.enabled(settings) else None)
        self.settings = settings
        self.documents = document_cache(schema, DocumentPolicy.from_settings(settings))
        self.rate_limiter = (
            RateLimiter.from_settings(settings) if settings.rate_limit_enabled else None
        )
        self.guard = RequestGuard(
            graphql_schema(schema),
            self.documents.prepare_async,
            max_cost=settings.max_query_cost,
            timeout=settings.request_timeout_seconds,
            limiter=self.rate_limiter,
            points_per_cpu_ms=settings.rate_limit_points_per_cpu_ms,
        )
        self.planner = (
            Planner(
                graphql_schema(schema),
                FIELD_REGISTRY,
                maxsize=settings.plan_cache_size,
                scans=object_scan,  # plans price aggregates as the cost does
            )
            if settings.planner_enabled
            else None
        )

    def viewer_of(self, request: Request) -> Viewer:
        header = request.headers.get("authorization")
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenError("not a bearer token", "expected `Authorization: Bearer <token>`")
        settings = self.settings
        return decode_token(
            settings.jwt_secret.get_secret_value(),
            token.strip(),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )

    async def render_graphql_ide(self, request: Any) -> Response:
        """GraphiQL from this package's assets (gql/graphiql), not from a CDN."""
        return graphiql.graphiql_page()

    async def get_context(self, request: Any, response: Any) -> Context:
        return self._context(request, response, self.viewer_of(request))

    def _context(
        self, request: Request, response: Any, viewer: Viewer, *, register: bool = True
    ) -> Context:
        """The request's context; `register`: also in `request.state` (the response
        cache's view reads it there, and `__call__` closes it)."""
        state = request.app.state
        context = Context(
            loaders=Loaders(state.database),
            calendar=state.season_calendar,
            now=datetime.now(UTC),
            viewer=viewer,
            request=request,
            response=response,
            documents=self.documents,
        )
        if register:
            request.state.graphql_context = context  # closed in __call__ once answered
        return context

    # -- the fast path (gql/fast_path.py) ------------------------------------------

    async def answer_plain(
        self, scope: Scope, receive: Receive, send: Send, data: GraphQLRequestData
    ) -> bool:
        """Answer one plain query (no batch; a query text or an APQ hash) as `run`
        would, through the same hooks; False, having sent nothing, when the view
        must answer it (an invalid document, a mutation, a bad token, an unknown
        hash, a cache miss).
        """
        request = Request(scope, receive)
        admitted = await self._admit_plain(request, data)
        if admitted is None:
            return False
        data, prepared, viewer = admitted
        cached = await self.answer_from_cache(request, data, prepared, viewer, send)
        if cached != "uncached":
            return cached == "sent"  # "to view": the response cache answers the miss
        bound = self._bind(prepared, data, viewer)
        if bound is not None:
            await self._answer_planned(request, send, data, bound, viewer)
            return True
        sub_response = await self.get_sub_response(request)
        context = self._context(request, sub_response, viewer)
        adapter = self.request_adapter_class(request)
        try:
            result = await self.execute_operation(
                request, adapter, data, context, None, sub_response
            )
        except (RequestRejected, HTTPException) as exc:
            await self.refusal(request, exc)(scope, receive, send)
            return True
        finally:
            scope["state"].pop("graphql_context", None)
            context.close()
        assert isinstance(result, ExecutionResult)
        payload = await self.process_result(request, result)
        await self._send_payload(
            send,
            payload,
            sub_response.media_type or JSON,
            sub_response.status_code,
            sub_response.headers.raw,
        )
        if sub_response.background is not None:
            await sub_response.background()
        return True

    def _bind(
        self, prepared: PreparedDocument, data: GraphQLRequestData, viewer: Viewer
    ) -> Bound | None:
        """The planned executor's plan for a plain query; None: not planned (the
        general route asks the planner again and records why)."""
        if self.planner is None:
            return None
        try:
            return self.planner.bind(
                prepared, data.operation_name, data.variables, is_admin=viewer.is_admin
            )
        except Unplannable:
            return None

    async def _answer_planned(
        self,
        request: Request,
        send: Send,
        data: GraphQLRequestData,
        bound: Bound,
        viewer: Viewer,
    ) -> None:
        """A plain query the planner covers: `execute_operation`'s admission, guard and
        operation scope around the bound plan, without Strawberry's view in between
        (no sub-response, adapter or schema lookup per request)."""
        planner = self.planner
        assert planner is not None
        context = self._context(request, None, viewer, register=False)  # closed below
        headers: dict[str, str] = {}
        handed_over: list[Response] = []  # the reference's sub-response, if it answered

        async def execute(admitted: list[GraphQLRequestData]) -> list[ExecutionResult]:
            try:
                result: ExecutionResult = await run_planned(planner, context, bound)
            except Exception as exc:  # an error to report: the reference executor says it
                fallback = fallback_for(exc)
                count_reference(fallback.reason)
                sub_response = await self.get_sub_response(request)
                handed_over.append(sub_response)
                result = await self._reference(request, sub_response, context, data, fallback)
            else:
                mark_executor("planned")
            return [result]

        try:
            with observe_operations([data]) as done:
                results = await self.guard.run(
                    [data], self.client_key(request, viewer), headers, execute, (bound.variables,)
                )
                done(results)
        except (RequestRejected, HTTPException) as exc:
            await self.refusal(request, exc)(request.scope, request.receive, send)
            return
        finally:
            context.close()
        [result] = results
        if result.errors:
            payload = await self.process_result(request, result)
        else:
            # What `process_result` makes of an error-free result outside the response
            # cache's view (no cache state here), without its three hooks per request.
            payload = {"data": result.data}
            if result.extensions:
                payload["extensions"] = result.extensions
        media_type = negotiate(request.headers.get("accept"))
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        status = None
        for sub_response in handed_over:  # whatever the reference's resolvers set
            raw += sub_response.headers.raw
            status = sub_response.status_code
        await self._send_payload(send, payload, media_type, status, raw)

    async def _send_payload(
        self,
        send: Send,
        payload: GraphQLHTTPResponse,
        media_type: str,
        status: int | None,
        headers: list[tuple[bytes, bytes]],
    ) -> None:
        """The messages `create_response` would send, in the same order with the same
        headers, without building a Starlette response."""
        body = self.encode_json(payload)
        await send(
            {
                "type": "http.response.start",
                "status": status or status_for(payload, media_type),
                "headers": [
                    (b"content-length", b"%d" % len(body)),
                    (b"content-type", _content_type(media_type)),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _admit_plain(
        self, request: Request, data: GraphQLRequestData
    ) -> tuple[GraphQLRequestData, PreparedDocument, Viewer] | None:
        """The request's text, document and viewer, in `run`'s order; None: the view's."""
        persisted: PersistedDocuments = request.app.state.persisted
        if not persisted.runs_any_text:
            return None
        try:
            viewer = self.viewer_of(request)
        except TokenError:
            return None
        if data.extensions is not None:
            if persisted.registers(data.query, data.extensions):
                return None  # a registration: the general route stores it once admitted
            try:
                query = await persisted.resolve(query=data.query, extensions=data.extensions)
            except PersistedQueryError:
                return None
            data = dataclasses.replace(data, query=query)
        if data.query is None:
            return None
        prepared = await self.documents.prepare_async(data.query)
        if not prepared.is_valid or not is_query(prepared, data.operation_name):
            return None
        note_operation(data.query, data.operation_name)
        return data, prepared, viewer

    async def answer_from_cache(
        self,
        request: Request,
        data: GraphQLRequestData,
        prepared: PreparedDocument,
        viewer: Viewer,
        send: Send,
    ) -> CacheStep:
        """The response cache's step (cache/view.py); without one, nothing is cached."""
        return "uncached"

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A hash-only GET (APQ, `documentId`) has no `query` but is not a browser.
        params = request.query_params
        if "extensions" in params or "documentId" in params:
            return False
        return bool(super().should_render_graphql_ide(request))

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media_type = (request.content_type or "").partition(";")[0].strip().lower()
            if media_type != "application/json":
                raise RequestRejected(
                    "UNSUPPORTED_MEDIA_TYPE", "POST bodies must be application/json.", 415
                )
        parsed = await super().parse_http_body(request)
        for item in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(item.operation_name, str | None):
                raise RequestRejected("BAD_REQUEST", "`operationName` must be a string or null.")
        assert isinstance(request, _RequestAdapter)
        documents: PersistedDocuments = request.request.app.state.persisted
        # Only an admin bypass needs the viewer (already checked by `get_context`).
        is_admin = documents.allow_admin_bypass and self.viewer_of(request.request).is_admin
        if isinstance(parsed, list):
            return [await self._persisted(documents, item, None, is_admin) for item in parsed]
        document_id = await self._document_id(request) if parsed.query is None else None
        data = await self._persisted(documents, parsed, document_id, is_admin)
        note_operation(data.query, data.operation_name)  # named even if the cache answers
        return data

    async def _persisted(
        self,
        documents: PersistedDocuments,
        data: GraphQLRequestData,
        document_id: object,
        is_admin: bool,
    ) -> GraphQLRequestData:
        query = await documents.resolve(
            query=data.query,
            extensions=data.extensions,
            document_id=document_id,
            is_admin=is_admin,
        )
        if documents.registers(data.query, data.extensions):
            return registering(data)  # stored by `execute_operation` once admitted
        return data if query is data.query else dataclasses.replace(data, query=query)

    async def _document_id(self, request: AsyncHTTPRequestAdapter) -> object:
        """GraphQL-over-HTTP `documentId`, which Strawberry's request data drops."""
        if request.method == "GET":
            return request.query_params.get("documentId")
        try:
            body = orjson.loads(await request.get_body())
        except orjson.JSONDecodeError:  # a multipart body, say
            return None
        return body.get("documentId") if isinstance(body, dict) else None

    async def execute_single(
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One operation: the planned executor when it covers it, else the reference.

        Both run inside the operation's span and request record (observability/).
        """
        with operation_scope(request_data.query, request_data.operation_name) as operation:
            fallback = None
            if self.planner is not None:
                planned = await try_planned(self.planner, self.documents, context, request_data)
                if not isinstance(planned, Fallback):
                    mark_executor("planned")
                    return planned
                fallback = planned
                note_fallback(operation, fallback)
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
            operation.errors = result.errors
            return result if fallback is None else mark_reference(result, fallback)

    async def _reference(
        self,
        request: Request,
        sub_response: Response,
        context: Context,
        data: GraphQLRequestData,
        fallback: Fallback,
    ) -> ExecutionResult:
        """The reference executor's answer to an operation the planner handed over
        mid-run (`_answer_planned`), marked with the reason."""
        context.response = sub_response
        adapter = self.request_adapter_class(request)
        with operation_scope(data.query, data.operation_name) as operation:
            note_fallback(operation, fallback)
            result = await super().execute_single(
                request, adapter, sub_response, context, None, data
            )
            operation.errors = result.errors
        return mark_reference(result, fallback)

    # -- hardening (limits/, gql/http_errors.py) ---------------------------------

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's, refusing bodies that are not an object or an array with a 400."""
        try:
            # orjson: faster, and a nesting limit (1,024) where `json` hits RecursionError.
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as exc:  # not JSON, not UTF-8, or nested too deep
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        if isinstance(decoded, list):
            # The batch limit is ours (Strawberry's `batching_config` is set to the
            # largest the setting allows, gql/schema.py); Strawberry checks the
            # fields' types for single requests only.
            check_batch(len(decoded), self.settings.max_batch_operations)
            check_batch_items(decoded)
        return decoded

    async def execute_operation(
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> ExecutionResult | list[ExecutionResult]:
        """Either executor, behind the cost budget, the rate limit and the deadline;
        an admitted APQ registration is stored once it ran (gql/registration.py)."""
        parent = super().execute_operation

        async def execute(admitted: list[GraphQLRequestData]) -> list[ExecutionResult]:
            data = admitted if isinstance(request_data, list) else admitted[0]
            result = await parent(request, request_adapter, data, context, root_value, sub_response)
            results = result if isinstance(result, list) else [result]
            assert all(isinstance(r, ExecutionResult) for r in results)
            await register_admitted(request.app.state.persisted, admitted)
            return results  # type: ignore[return-value]

        items = request_data if isinstance(request_data, list) else [request_data]
        client = self.client_key(request, context.viewer)
        with observe_operations(items) as done:  # rejections get an operation span too
            results = await self.guard.run(items, client, sub_response.headers, execute)
            done(results)
        return results if isinstance(request_data, list) else results[0]

    def client_key(self, request: Request, viewer: Viewer) -> str:
        """Whose bucket pays: the token's subject, else the client address."""
        if self.rate_limiter is None:
            return ""  # no buckets: nobody pays
        if viewer.subject:
            return f"sub:{viewer.subject}"
        return f"{ANONYMOUS_PREFIX}{request.client.host if request.client else 'unknown'}"

    def client_of(self, scope: Scope) -> str:
        """`client_key` before the request is read (limits/debt_gate.py): a token that
        does not verify is the address's (the view answers it 401 when it gets there)."""
        request = Request(scope)
        try:
            viewer = self.viewer_of(request)
        except TokenError:
            viewer = ANONYMOUS
        return self.client_key(request, viewer)

    async def get_sub_response(self, request: Any) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        payload = await super().process_result(request, result)
        shaped = shape(
            dict(payload),
            max_errors=self.settings.max_errors,
            suggestions=self.settings.introspection_enabled,
        )
        return shaped  # type: ignore[return-value]

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if not sub_response.status_code:
            response.status_code = status_for(response_data, media_type)
        return response

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except (RequestRejected, HTTPException) as exc:
            return self.refusal(request, exc)

    def refusal(self, request: Request, exc: RequestRejected | HTTPException) -> Response:
        """The JSON error response for a request refused before or instead of execution."""
        media_type = negotiate(request.headers.get("accept"))
        if isinstance(exc, RequestRejected):
            return error_response(
                exc.status, exc.code, exc.message, media_type=media_type, headers=exc.headers
            )
        if isinstance(exc.__cause__, InvalidOperationTypeError) or exc.status_code == 405:
            allow = "POST" if request.method == "GET" else "GET, POST"
            headers = {"Allow": allow}
            return error_response(
                405, "METHOD_NOT_ALLOWED", exc.reason, media_type=media_type, headers=headers
            )
        code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
        return error_response(exc.status_code, code, exc.reason, media_type=media_type)

    async def aclose(self) -> None:
        if self.rate_limiter is not None:
            await self.rate_limiter.close()

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
            context = scope.get("state", {}).pop("graphql_context", None)
            if context is not None:
                context.close()
        except PersistedQueryError as exc:
            response = Response(
                orjson.dumps(exc.to_json()), status_code=exc.status, media_type="application/json"
            )
            await response(scope, receive, send)
        except TokenError as exc:
            body = orjson.dumps(  # never PyJWT's text: that is in `exc.detail`, logged
                {"errors": [{"message": exc.message, "extensions": {"code": "UNAUTHENTICATED"}}]}
            )
            response = Response(
                body,
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)


@lru_cache(maxsize=8)  # the media types `negotiate` chooses from
def _content_type(media_type: str) -> bytes:
    return f"{media_type}; charset=utf-8".encode()
