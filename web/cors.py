"""CORS for /graphql: Starlette's middleware, configured from settings.

It sits outside every limit (gql/app.py): a preflight is answered here and
never reaches the debt gate, the rate limiter or GraphQL, so it costs no
points. Every response says `Vary: Origin`, with or without an Origin
header, so a shared cache never hands one origin's answer (or an answer
without CORS headers) to another.

Requests without an Origin (servers, scripts, benchmarks) skip Starlette's
middleware, which parses the headers of every request and response: they
only need the Vary line, appended here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from config import Settings

METHODS = ("GET", "POST")  # GraphQL over HTTP uses no others
# Request headers a browser may send beyond the CORS-safelisted ones.
REQUEST_HEADERS = (
    "authorization",
    "content-type",  # application/json is not safelisted: POSTs are preflighted
    "if-none-match",
    "x-request-id",
    # W3C Trace Context and baggage (observability/middleware.py).
    "traceparent",
    "tracestate",
    "baggage",
    # What Apollo Client's links send: client awareness, CSRF prevention, APQ.
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    # Read-your-writes across hosts with replicas (replicas/, README "Read replicas").
    "consistency-token",
)
# Response headers a page may read beyond the safelisted ones (Cache-Control, ...).
EXPOSED_HEADERS = (
    "consistency-token",  # a mutation's, sent back on later reads
    "etag",
    "retry-after",
    "server-timing",
    "traceresponse",
    "x-request-id",
)


VARY_ORIGIN = (b"vary", b"Origin")


class CORS:
    """Starlette's CORSMiddleware for requests with an Origin; `Vary: Origin` for all."""

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, _ in scope["headers"]:
            if name == b"origin":
                await self.cors(scope, receive, send)
                return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), VARY_ORIGIN]}
            await send(message)

        await self.app(scope, receive, send_varying)


def cors_middleware(settings: Settings) -> Middleware:
    return Middleware(
        CORS,
        allow_origins=settings.cors_origins,
        allow_origin_regex=settings.cors_origin_pattern,
        allow_methods=METHODS,
        allow_headers=(*REQUEST_HEADERS, *settings.cors_allow_headers),
        allow_credentials=settings.cors_allow_credentials,
        expose_headers=EXPOSED_HEADERS,
        max_age=settings.cors_max_age_seconds,
    )
