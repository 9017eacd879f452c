"""ASGI middleware: refuse oversized bodies and URLs before reading them.

A declared `Content-Length` above the limit is refused at once (HTTP 413)
without reading a byte; a body without one (chunked) is counted as it
arrives and refused as soon as it passes the limit, so a 10 MB upload never
occupies the server longer than it takes to receive the first 100 KB.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limits.refusal import send_refusal


class _BodyTooLarge(Exception):
    pass


class RequestSizeLimit:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_url_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_url_bytes = max_url_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(
            scope.get("query_string", b"")
        )
        if url_bytes > self.max_url_bytes:
            await _refuse(send, 414, "URI_TOO_LONG", f"URL exceeds {self.max_url_bytes} bytes.")
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_body_bytes:
                    await _refuse(send, 413, *self._too_large())
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await _refuse(send, 413, *self._too_large())

    def _too_large(self) -> tuple[str, str]:
        return "PAYLOAD_TOO_LARGE", f"Request body exceeds {self.max_body_bytes} bytes."


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    await send_refusal(send, status, code, message, close=True)
