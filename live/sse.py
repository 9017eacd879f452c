"""GraphQL over Server-Sent Events at /graphql (graphql-sse, distinct connections mode).

A POST with `Accept: text/event-stream` and the usual JSON body runs one
subscription for as long as the response stays open: each payload is an
`event: next`, the end an `event: complete`. The bearer token is the
`Authorization` header, as for queries. A refusal before the stream starts is an
HTTP error with a GraphQL body (its errors' codes as over HTTP). A subscriber
that falls behind has its stream ended without `complete` (SSE has no close
code), so the client reconnects, and gets the current state first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import HTTPConnection
from starlette.types import Message, Receive, Scope, Send

from auth import TokenError
from auth.tokens import Viewer
from live.admission import Refused
from live.operation import operation_of
from live.service import Live, LiveSubscription

log = logging.getLogger("fleetgraph.live")
ViewerOf = Callable[[str | None], Viewer]
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # proxies must not buffer the stream
]


def wants_events(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept" and b"text/event-stream" in value:
            return True
    return False


async def serve_events(
    live: Live, viewer_of: ViewerOf, max_body_bytes: int, scope: Scope, receive: Receive, send: Send
) -> None:
    connection = HTTPConnection(scope, receive)
    try:
        viewer = viewer_of(connection.headers.get("authorization"))
        operation = operation_of(await _json_body(receive, max_body_bytes))
        if operation is None:
            raise Refused.of("The request body is malformed.", "BAD_REQUEST")
        if not live.open_connection("sse"):
            raise Refused.of("Too many connections; retry shortly.", "SERVER_BUSY", 503)
    except TokenError as exc:
        await _refuse(send, Refused.of(exc.message, "UNAUTHENTICATED", 401))
        return
    except Refused as exc:
        await _refuse(send, exc)
        return
    started = time.monotonic()
    outcome = "complete"
    stream = asyncio.current_task()
    dropped = False

    def overflowed() -> None:
        nonlocal dropped
        dropped = True
        if stream is not None:
            stream.cancel()

    try:
        subscription = await live.subscribe(operation, viewer, connection, overflowed)
    except Refused as exc:
        live.close_connection("sse")
        await _refuse(send, exc)
        return
    try:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        outcome = await _stream(live, subscription, receive, send)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if not dropped or task is None:
            raise
        task.uncancel()
        outcome = "dropped"
        subscription.close()  # now: a stalled client may never take the end below
        # The end of the body, unless the client is too far behind to take even that
        # (then the server closes the connection, the response left incomplete).
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(_body(send, b"", more=False), 1.0)
    finally:
        subscription.close()
        live.close_connection("sse")
        log.info(
            "live connection closed",
            extra={
                "transport": "sse",
                "outcome": outcome,
                "seconds": round(time.monotonic() - started, 3),
                "client": connection.client.host if connection.client else None,
            },
        )


async def _stream(live: Live, subscription: LiveSubscription, receive: Receive, send: Send) -> str:
    """Forward payloads until the stream completes or the client leaves."""
    gone = asyncio.create_task(_disconnected(receive))
    keepalive = live.settings.keepalive_seconds
    try:
        while True:
            following = asyncio.ensure_future(subscription.subscriber.next())
            done, _ = await asyncio.wait(
                {following, gone}, timeout=keepalive, return_when="FIRST_COMPLETED"
            )
            if gone in done:
                following.cancel()
                return "client left"
            if not done:
                following.cancel()
                await _body(send, b":\n\n")  # a comment: keeps proxies from timing out
                continue
            payload = following.result()
            if payload is None:
                await _body(send, b"event: complete\ndata:\n\n", more=False)
                return "complete"
            await _body(send, b"event: next\ndata: " + payload + b"\n\n")
    finally:
        gone.cancel()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _body(send: Send, body: bytes, *, more: bool = True) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": more})


async def _json_body(receive: Receive, limit: int) -> Any:
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refused.of("The request body is too large.", "REQUEST_TOO_LARGE", 413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    try:
        body = orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise Refused.of("Unable to parse request body as JSON", "BAD_REQUEST") from exc
    if not isinstance(body, dict):
        raise Refused.of("The request body must be a JSON object.", "BAD_REQUEST")
    return body


async def _refuse(send: Send, refused: Refused) -> None:
    body = orjson.dumps({"errors": refused.errors})
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
