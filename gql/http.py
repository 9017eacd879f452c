"""GraphQL over HTTP: Strawberry's ASGI view with our context and orjson.

Persisted queries (`persisted/`) are resolved in `parse_http_body`, before
Strawberry parses the document: the text comes from the store, or the
request ends early with a JSON error.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from auth import TokenError, decode_token
from auth.tokens import ANONYMOUS, Viewer
from config import Settings
from gql.context import Context
from loaders import Loaders
from persisted import PersistedDocuments, PersistedQueryError


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter, exposing the Starlette request it wraps."""

    @property
    def request(self) -> Request:
        request: Request = self._request
        return request


class GraphQLApp(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter

    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if settings.environment == "development" else None
        )
        self.settings = settings

    def viewer_of(self, request: Request) -> Viewer:
        header = request.headers.get("authorization")
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise TokenError("expected `Authorization: Bearer <token>`")
        return decode_token(self.settings.jwt_secret.get_secret_value(), token.strip())

    async def get_context(self, request: Any, response: Any) -> Context:
        context = Context(
            loaders=Loaders(request.app.state.database),
            calendar=request.app.state.season_calendar,
            now=datetime.now(UTC),
            viewer=self.viewer_of(request),
            request=request,
            response=response,
        )
        request.state.graphql_context = context  # closed in __call__ once answered
        return context

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A hash-only GET (APQ, `documentId`) has no `query` but is not a browser.
        params = request.query_params
        if "extensions" in params or "documentId" in params:
            return False
        return bool(super().should_render_graphql_ide(request))

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        assert isinstance(request, _RequestAdapter)
        documents: PersistedDocuments = request.request.app.state.persisted
        # Only an admin bypass needs the viewer (already checked by `get_context`).
        is_admin = documents.allow_admin_bypass and self.viewer_of(request.request).is_admin
        if isinstance(parsed, list):
            return [await self._persisted(documents, item, None, is_admin) for item in parsed]
        document_id = await self._document_id(request) if parsed.query is None else None
        return await self._persisted(documents, parsed, document_id, is_admin)

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
        """One operation: the planned executor when it covers it, else the reference."""
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
            context = scope.get("state", {}).get("graphql_context")
            if context is not None:
                context.close()
        except PersistedQueryError as exc:
            response = Response(
                orjson.dumps(exc.to_json()), status_code=exc.status, media_type="application/json"
            )
            await response(scope, receive, send)
        except TokenError as exc:
            body = orjson.dumps(
                {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]}
            )
            response = Response(
                body,
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
