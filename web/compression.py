"""Compress whole responses by Accept-Encoding (gzip, brotli), above a size.

Like Starlette's GZipMiddleware, with brotli, and with what a shared cache
needs: `Vary: Accept-Encoding` on every response of a compressible size,
compressed or not, and an ETag per coding (`codings.coded_etag`).

Only a response whose body comes in one message is compressed: the app's
JSON, GraphiQL's page and /metrics do; a stream (Server-Sent Events, an
incremental delivery) goes out as it is, unbuffered. A response that
already varies by Accept-Encoding has chosen its coding itself (the
response cache's hits, cache/compressed.py) and passes untouched.
"""

from __future__ import annotations

import asyncio

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.codings import Coding, choose_coding, coded_etag, compress

COMPRESSIONS = Counter(
    "fleetgraph_http_compressions",
    "Bodies compressed: a whole response (`response`), or a response-cache entry "
    "kept compressed for its hits (`cache_entry`).",
    ["coding", "kind"],
)
_COMPRESSIBLE = (
    b"application/json",
    b"application/graphql-response+json",
    b"text/html",
    b"text/plain",
    b"text/css",
    b"text/javascript",
    b"application/javascript",
    b"image/svg+xml",
)
VARY_VALUE = b"Accept-Encoding"
THREAD_MINIMUM_SIZE = 128 * 1024  # larger bodies are compressed off the event loop


class Compression:
    def __init__(self, app: ASGIApp, *, minimum_size: int) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value.decode("latin-1")
                break
        responder = _Responder(send, choose_coding(accept), self.minimum_size)
        await self.app(scope, receive, responder.send)


class _Responder:
    """The `send` of one response: holds its start until the body says what to do."""

    __slots__ = ("coding", "minimum_size", "passing", "send_next", "start")

    def __init__(self, send: Send, coding: Coding | None, minimum_size: int) -> None:
        self.send_next = send
        self.coding = coding
        self.minimum_size = minimum_size
        self.start: Message | None = None
        self.passing = False  # the start went out as it was: the rest follows unchanged

    async def send(self, message: Message) -> None:
        if self.passing:
            await self.send_next(message)
            return
        if message["type"] == "http.response.start":
            if _chosen_already(message):
                self.passing = True
                await self.send_next(message)
            else:
                self.start = message
            return
        start = self.start
        if start is None or message["type"] != "http.response.body":
            await self.send_next(message)
            return
        self.passing = True
        body: bytes = message.get("body", b"")
        if message.get("more_body", False) or len(body) < self.minimum_size:
            await self.send_next(start)  # a stream, or too small to be worth it
            await self.send_next(message)
            return
        headers = start.get("headers", [])
        if not _compressible(headers):
            await self.send_next(start)
            await self.send_next(message)
            return
        coding = self.coding
        if coding is not None:
            if len(body) >= THREAD_MINIMUM_SIZE:  # milliseconds: let other requests run
                body = await asyncio.to_thread(compress, body, coding)
            else:
                body = compress(body, coding)
            COMPRESSIONS.labels(coding, "response").inc()
        await self.send_next({**start, "headers": _coded_headers(headers, coding, len(body))})
        await self.send_next({"type": "http.response.body", "body": body})


def _chosen_already(start: Message) -> bool:
    """Encoded by the app, or it says it varies by Accept-Encoding (chose itself)."""
    for name, value in start.get("headers", ()):
        if name == b"content-encoding":
            return True
        if name == b"vary" and b"accept-encoding" in value.lower():
            return True
    return False


def _compressible(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            return value.lower().startswith(_COMPRESSIBLE)
    return False


def _coded_headers(
    headers: list[tuple[bytes, bytes]], coding: Coding | None, length: int
) -> list[tuple[bytes, bytes]]:
    """The start's headers for the body as sent: its coding, length, validator, Vary."""
    out: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name == b"content-length":
            continue
        if name == b"etag" and coding is not None:
            value = coded_etag(value.decode("latin-1"), coding).encode("latin-1")
        out.append((name, value))
    out.append((b"content-length", b"%d" % length))
    if coding is not None:
        out.append((b"content-encoding", coding.encode()))
    out.append((b"vary", VARY_VALUE))
    return out
