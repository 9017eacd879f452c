"""GraphQL over HTTP, the general route: any request to /graphql, read into a
typed `GraphQLRequest` and answered by the pipeline (pipeline/sequence.py).

Strawberry's view reads the request (GET query parameters, JSON bodies,
batches, multipart) and serves GraphiQL; everything between reading the
request and writing the answer (gql/replies.py) is the pipeline's. The fast
path (gql/fast_path.py) hands the requests it does not take over to
`answer_handed_over`, with the steps it ran.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from auth import TokenError
from config import Settings
from context import Context
from gql import graphiql
from gql.admission import Admission
from gql.refusals import persisted_refusal, refusal, token_refusal
from gql.replies import HttpReply
from limits import RequestRejected, check_batch, check_batch_items
from persisted import PersistedQueryError
from pipeline import GraphQLRequest, HandOver, Operation, Steps, finish, run


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter, keeping the Starlette request it wraps."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLApp(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter

    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql.enabled(settings) else None,
            multipart_uploads_enabled=True,  # the GraphQL multipart request spec: importTrips
        )
        self.settings = settings
        self.admission = Admission(schema, settings)
        self._steps: Steps | None = None

    @property
    def steps(self) -> Steps:
        assert self._steps is not None, "the app's lifespan builds the steps"
        return self._steps

    def start(self, steps: Steps) -> None:
        """Called by the app's lifespan, once its resources are open."""
        self._steps = steps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            read = await self._read(request)
            if isinstance(read, Response):  # GraphiQL
                await read(scope, receive, send)
                return
            await run(read, self.steps, HttpReply(request, send))
        except (RequestRejected, HTTPException) as exc:
            await refusal(request, exc)(scope, receive, send)
        except PersistedQueryError as exc:
            await persisted_refusal(exc)(scope, receive, send)
        except TokenError as exc:
            await token_refusal(exc)(scope, receive, send)

    async def answer_handed_over(
        self, scope: Scope, receive: Receive, send: Send, request: GraphQLRequest, state: HandOver
    ) -> None:
        """The rest of the pipeline for a request the fast path read and handed over."""
        http = Request(scope, receive)
        try:
            await finish(request, state, self.steps, HttpReply(http, send))
        except (RequestRejected, HTTPException) as exc:
            await refusal(http, exc)(scope, receive, send)

    async def _read(self, request: Request) -> GraphQLRequest | Response:
        """The request's operations, or GraphiQL's page; raises to refuse."""
        admission = self.admission
        viewer = admission.viewer_of(request)  # a bad token is refused before anything else
        adapter = _RequestAdapter(request)
        if not self.is_request_allowed(adapter):
            raise HTTPException(405, "GraphQL only supports GET and POST requests.")
        if self.should_render_graphql_ide(adapter):
            if self.graphql_ide:
                return await self.render_graphql_ide(request)
            raise HTTPException(404, "Not Found")
        try:
            parsed = await self.parse_http_body(adapter)
        except json.JSONDecodeError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        except KeyError as exc:
            raise HTTPException(400, "File(s) missing in form data") from exc
        if isinstance(parsed, list):
            operations = tuple(_operation(item) for item in parsed)
        else:
            document_id = await self._document_id(adapter) if parsed.query is None else None
            operations = (_operation(parsed, document_id),)
        batch = isinstance(parsed, list)
        return GraphQLRequest(operations, batch, request.method, viewer, request)

    async def render_graphql_ide(self, request: Any) -> Response:
        """GraphiQL from this package's assets (gql/graphiql), not from a CDN."""
        return graphiql.graphiql_page()

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
            if media_type not in ("application/json", "multipart/form-data"):
                raise RequestRejected(
                    "UNSUPPORTED_MEDIA_TYPE",
                    "POST bodies must be application/json (or multipart/form-data: uploads).",
                    415,
                )
        parsed = await super().parse_http_body(request)
        for item in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(item.operation_name, str | None):
                raise RequestRejected("BAD_REQUEST", "`operationName` must be a string or null.")
        return parsed

    async def _document_id(self, request: AsyncHTTPRequestAdapter) -> object:
        """GraphQL-over-HTTP `documentId`, which Strawberry's request data drops."""
        if request.method == "GET":
            return request.query_params.get("documentId")
        try:
            body = orjson.loads(await request.get_body())
        except orjson.JSONDecodeError:  # a multipart body, say
            return None
        return body.get("documentId") if isinstance(body, dict) else None

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

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def _operation(data: GraphQLRequestData, document_id: object = None) -> Operation:
    return Operation(data.query, data.operation_name, data.variables, data.extensions, document_id)
