"""ASGI middleware: a request body must arrive whole within a deadline, else 408.

A client that declares a body and then sends it slowly, or never, would
hold its request (its concurrency slot, its buffers, a task) as long as it
likes: uvicorn has no body timeout, and whatever reads the body (the fast
path, Starlette, Strawberry) waits for it. Reads before the last body chunk
are bounded by BODY_READ_TIMEOUT_SECONDS, counted from the request's start;
past it the request ends with 408, the code BODY_READ_TIMEOUT and
`Connection: close` (the rest of the body would be read as the next
request). Once the body is complete, `receive` is passed through untimed:
waiting for a disconnect is not reading a body.

No timer per request: most bodies come with their head, and arming and
cancelling a timer costs more than such a read. Reads that wait are watched
by one sweep per process, every `timeout / 10` (at most 1 s) while any
waits, which cancels those past their deadline; so a body may take up to
that much longer than the timeout before it is refused.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limits.refusal import send_refusal

CODE = "BODY_READ_TIMEOUT"


class BodyTimedOut(Exception):
    """The body did not arrive in time (raised from `receive`, answered by the middleware)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BodyReadTimeout:
    def __init__(self, app: ASGIApp, *, timeout: float) -> None:
        self.app = app
        self.timeout = timeout
        self.sweeper = _Sweeper(min(1.0, timeout / 10))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        body = _TimedBody(receive, loop, loop.time() + self.timeout, self.sweeper)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, body.receive, tracking_send)
        except BodyTimedOut:
            if started:
                raise  # uvicorn closes the connection
            message = f"The request body did not arrive within {self.timeout:g} s."
            await send_refusal(send, 408, CODE, message, close=True)


class _TimedBody:
    """One request's `receive`, refused past the body's deadline."""

    __slots__ = ("_complete", "_receive", "_sweeper", "deadline", "expired", "loop", "waiter")

    def __init__(
        self,
        receive: Receive,
        loop: asyncio.AbstractEventLoop,
        deadline: float,
        sweeper: _Sweeper,
    ) -> None:
        self._receive = receive
        self.loop = loop
        self._sweeper = sweeper
        self._complete = False
        self.deadline = deadline
        self.expired = False
        self.waiter: asyncio.Task[object] | None = None  # the task waiting in `receive`

    async def receive(self) -> Message:
        if self._complete:
            return await self._receive()
        if self.expired or self.loop.time() >= self.deadline:
            raise BodyTimedOut
        waiter = self.waiter = asyncio.current_task(self.loop)
        cancelling = waiter.cancelling() if waiter is not None else 0
        self._sweeper.watch(self)
        try:
            message = await self._receive()
        except asyncio.CancelledError:
            # The sweep's, unless someone else cancelled the task too.
            if self.expired and waiter is not None and waiter.uncancel() <= cancelling:
                raise BodyTimedOut from None
            raise
        finally:
            self.waiter = None
            self._sweeper.forget(self)
        if message["type"] != "http.request" or not message.get("more_body", False):
            self._complete = True
        return message


class _Sweeper:
    """Cancels the reads waiting past their deadline, looking every `interval` s
    while any waits."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._waiting: set[_TimedBody] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def watch(self, body: _TimedBody) -> None:
        self._waiting.add(body)
        loop = body.loop
        if self._timer is None or self._loop is not loop:
            self._loop = loop
            self._timer = loop.call_later(self.interval, self._sweep)

    def forget(self, body: _TimedBody) -> None:
        self._waiting.discard(body)

    def _sweep(self) -> None:
        loop = self._loop
        assert loop is not None
        now = loop.time()
        for body in [b for b in self._waiting if b.deadline <= now]:
            self._waiting.discard(body)
            body.expired = True
            if body.waiter is not None:
                body.waiter.cancel()
        self._timer = loop.call_later(self.interval, self._sweep) if self._waiting else None
