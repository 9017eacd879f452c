"""ASGI middleware: at most N HTTP requests in flight in this process, the rest refused.

Past the cap a request is answered at once with 503, `Retry-After` and the
code SERVER_BUSY, before anything reads its body or touches the database, so
a burst larger than the process can serve costs a few microseconds per
refused request instead of a growing queue of waiting ones (each holding
its memory, its deadline running). A request counts from the moment it
reaches the app to its last response byte, its body's upload included.
Health and metrics endpoints are not counted and never refused: a busy
process is still alive, and still worth scraping.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from limits.refusal import send_refusal

CODE = "SERVER_BUSY"
RETRY_AFTER_SECONDS = 1


class ConcurrencyLimit:
    def __init__(self, app: ASGIApp, *, max_requests: int, exempt: Iterable[str] = ()) -> None:
        """`max_requests`: 0 means no cap; `exempt`: paths never counted nor refused."""
        self.app = app
        self.max_requests = max_requests
        self.exempt = frozenset(exempt)
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.max_requests or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_requests:
            await send_refusal(
                send,
                503,
                CODE,
                "The server is busy; retry shortly.",
                headers=[(b"retry-after", b"%d" % RETRY_AFTER_SECONDS)],
            )
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
