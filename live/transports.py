"""ASGI middleware: live queries' transports at /graphql, ahead of everything HTTP.

A WebSocket at the path speaks graphql-transport-ws (live/ws.py); a request that
accepts `text/event-stream` is a graphql-sse stream (live/sse.py). Everything else
goes on to the app. It stands before the HTTP-only middleware (compression, the
concurrency cap, the fast path): a stream lasts, and has its own caps.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from live.service import Live
from live.sse import serve_events, wants_events
from live.ws import ViewerOf, serve_websocket


class LiveTransports:
    def __init__(
        self,
        app: ASGIApp,
        *,
        live: Live,
        viewer_of: ViewerOf,
        max_body_bytes: int,
        path: str = "/graphql",
    ) -> None:
        self.app, self.live, self.viewer_of = app, live, viewer_of
        self.max_body_bytes, self.path = max_body_bytes, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await serve_websocket(self.live, self.viewer_of, scope, receive, send)
        elif (
            scope["type"] == "http"
            and scope["path"] == self.path
            and scope["method"] == "POST"
            and wants_events(scope)
        ):
            await serve_events(self.live, self.viewer_of, self.max_body_bytes, scope, receive, send)
        else:
            await self.app(scope, receive, send)
