"""GraphQL over WebSocket (graphql-transport-ws) at /graphql.

The bearer token comes in `connection_init` (`{"authorization": "Bearer …"}`,
since browsers cannot set headers on a WebSocket); subscriptions are admitted
like queries (live/admission.py) and capped per connection. Each subscription
forwards its group's payloads; a subscriber that falls behind gets the
connection closed (1013, the client reconnects and gets the current state first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from auth import TokenError
from auth.tokens import ANONYMOUS, Viewer
from live import ws_messages as m
from live.admission import Refused
from live.operation import authorization_of, operation_of
from live.service import Live, LiveSubscription

log = logging.getLogger("fleetgraph.live")
ViewerOf = Callable[[str | None], Viewer]  # raises TokenError


class Closing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class WebSocketConnection:
    def __init__(self, ws: WebSocket, live: Live, viewer_of: ViewerOf) -> None:
        self.ws, self.live, self.viewer_of = ws, live, viewer_of
        self.viewer: Viewer | None = None  # set by connection_init
        self.subscriptions: dict[str, LiveSubscription | None] = {}  # None: being admitted
        self.forwarders: dict[str, asyncio.Task[None]] = {}
        self._send = asyncio.Lock()
        self.served = 0
        self.dropped = False

    async def serve(self) -> int:
        """Run the connection; the close code it ended with."""
        settings = self.live.settings
        keepalive = asyncio.create_task(self._keepalive(settings.keepalive_seconds))
        code = 1000
        try:
            try:
                first = await asyncio.wait_for(
                    self.ws.receive_text(), settings.init_timeout_seconds
                )
            except TimeoutError as exc:
                raise Closing(m.INIT_TIMEOUT, "Connection initialisation timeout") from exc
            await self._handle(first)
            while True:
                await self._handle(await self.ws.receive_text())
        except Closing as exc:
            code = exc.code
            await self._close(exc.code, exc.reason)
        except (WebSocketDisconnect, RuntimeError):  # the client went away
            code = 1005
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self.dropped and task is not None:
                task.uncancel()  # our own (`_overflowed`): the connection goes on closing
            code = m.TRY_AGAIN_LATER if self.dropped else m.GOING_AWAY
            await self._close(code, "Slow consumer" if self.dropped else "Going away")
            if not self.dropped:
                raise
        finally:
            keepalive.cancel()
            for task in self.forwarders.values():
                task.cancel()
            for subscription in self.subscriptions.values():
                if subscription is not None:
                    subscription.close()
        return code

    async def _handle(self, text: str) -> None:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise Closing(m.BAD_MESSAGE, "Invalid message received") from exc
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "connection_init":
            await self._init(data.get("payload"))
        elif kind == "ping":
            await self._text(m.message("pong"))
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self._subscribe(data.get("id"), data.get("payload"))
        elif kind == "complete" and isinstance(data.get("id"), str):
            self._complete(data["id"])
        else:
            raise Closing(m.BAD_MESSAGE, "Invalid message received")

    async def _init(self, payload: object) -> None:
        if self.viewer is not None:
            raise Closing(m.TOO_MANY_INITS, "Too many initialisation requests")
        if payload is not None and not isinstance(payload, dict):
            raise Closing(m.BAD_MESSAGE, "Invalid message received")
        header = authorization_of(payload or {})
        try:
            self.viewer = ANONYMOUS if header is None else self.viewer_of(header)
        except TokenError as exc:
            raise Closing(m.FORBIDDEN, "Forbidden") from exc
        await self._text(m.message("connection_ack"))

    async def _subscribe(self, sid: object, payload: object) -> None:
        if self.viewer is None:
            raise Closing(m.UNAUTHORIZED, "Unauthorized")
        if not isinstance(sid, str) or not sid or not isinstance(payload, dict):
            raise Closing(m.BAD_MESSAGE, "Invalid message received")
        if sid in self.subscriptions:
            raise Closing(m.DUPLICATE, f"Subscriber for {sid[:64]} already exists")
        operation = operation_of(payload)
        limit = self.live.settings.max_subscriptions_per_connection
        if operation is None:
            refused = Refused.of("The subscribe payload is malformed.", "BAD_REQUEST")
            await self._text(m.message("error", id=sid, payload=refused.errors))
            return
        if len(self.subscriptions) >= limit:
            refused = Refused.of(
                f"At most {limit} subscriptions per connection.", "TOO_MANY_SUBSCRIPTIONS"
            )
            await self._text(m.message("error", id=sid, payload=refused.errors))
            return
        self.subscriptions[sid] = None
        try:
            subscription = await self.live.subscribe(
                operation, self.viewer, self.ws, self._overflowed
            )
        except Refused as exc:
            self.subscriptions.pop(sid, None)
            await self._text(m.message("error", id=sid, payload=exc.errors))
            return
        if sid not in self.subscriptions:  # completed by the client meanwhile
            subscription.close()
            return
        self.subscriptions[sid] = subscription
        self.served += 1
        self.forwarders[sid] = asyncio.create_task(self._forward(sid, subscription))

    def _complete(self, sid: str) -> None:
        subscription = self.subscriptions.pop(sid, None)
        task = self.forwarders.pop(sid, None)
        if task is not None:
            task.cancel()
        if subscription is not None:
            subscription.close()

    async def _forward(self, sid: str, subscription: LiveSubscription) -> None:
        subscriber = subscription.subscriber
        try:
            while (payload := await subscriber.next()) is not None:
                await self._text(m.next_message(sid, payload))
            self.forwarders.pop(sid, None)
            if self.subscriptions.pop(sid, None) is not None:
                subscription.close()
                await self._text(m.message("complete", id=sid))
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the client left: the connection's own loop ends and cleans up

    def _overflowed(self) -> None:
        """A subscriber fell behind: drop the whole connection (its task is cancelled)."""
        self.dropped = True
        task = self.task
        if task is not None:
            task.cancel()

    task: asyncio.Task[Any] | None = None

    async def _keepalive(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self._text(m.message("ping"))

    async def _text(self, text: str) -> None:
        async with self._send:
            await self.ws.send_text(text)

    async def _close(self, code: int, reason: str) -> None:
        # Gone already, or too slow to take even the close frame.
        with contextlib.suppress(TimeoutError, RuntimeError, OSError):
            await asyncio.wait_for(self.ws.close(code, reason), 1.0)


async def serve_websocket(
    live: Live, viewer_of: ViewerOf, scope: Scope, receive: Receive, send: Send
) -> None:
    ws = WebSocket(scope, receive, send)
    if m.PROTOCOL not in scope.get("subprotocols", []):
        await ws.accept()
        await ws.close(m.SUBPROTOCOL, "Subprotocol not acceptable")
        return
    await ws.accept(m.PROTOCOL)
    if not live.open_connection("ws"):
        await ws.close(m.TRY_AGAIN_LATER, "Too many connections")
        return
    started = time.monotonic()
    connection = WebSocketConnection(ws, live, viewer_of)
    connection.task = asyncio.current_task()
    try:
        code = await connection.serve()
    finally:
        live.close_connection("ws")
    log.info(
        "live connection closed",
        extra={
            "transport": "ws",
            "code": code,
            "subscriptions": connection.served,
            "seconds": round(time.monotonic() - started, 3),
            "client": ws.client.host if ws.client else None,
        },
    )
