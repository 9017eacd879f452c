"""ASGI middleware: a client whose bucket is in debt is refused before any work.

The limits guard charges a request's cost, and the CPU its new document took
to prepare (prepared/preparation_cost.py), only once that work is done; a client that
keeps sending costly new documents would still cost a parse and a
validation a request if its debt were only found afterwards. So a client
this process has seen in debt (`RateLimiter.debt_seconds`) is answered 429
THROTTLED before its body is read or its document parsed.

The refusal waits up to `delay` seconds (at most until the debt is paid)
before it is sent: a client that ignores Retry-After and sends again the
moment it is refused would otherwise turn cheap refusals into a flood of
its own. Waiting costs a coroutine and a concurrency slot, not CPU.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from limits.rate_limiter import RateLimiter
from limits.refusal import send_refusal

CODE = "THROTTLED"


class DebtGate:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter | None,
        client_of: Callable[[Scope], str],
        delay: float,
        path: str = "/graphql",
    ) -> None:
        """`client_of`: the request's bucket key (as the guard charges it)."""
        self.app = app
        self.limiter = limiter
        self.client_of = client_of
        self.delay = delay
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = self.limiter
        if (
            limiter is None
            or not limiter.has_debtors
            or scope["type"] != "http"
            or scope["path"] != self.path
        ):
            await self.app(scope, receive, send)
            return
        wait = limiter.debt_seconds(self.client_of(scope))
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        if self.delay > 0.0:
            await asyncio.sleep(min(wait, self.delay))
            wait = max(0.0, wait - self.delay)
        await send_refusal(
            send,
            429,
            CODE,
            f"Throttled: this client's rate-limit bucket is in debt for {wait:.1f} s more.",
            headers=[(b"retry-after", b"%d" % max(1, math.ceil(wait)))],
        )
