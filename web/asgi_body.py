"""ASGI request bodies read ahead of the app that reads them next."""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Receive


async def read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or what came before a message that is not body (a disconnect).

    `receive` is bounded by the body read timeout (limits/body_timeout.py, outside
    this middleware): a body that never comes ends the request with 408 there.
    """
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def replay(body: bytes, receive: Receive, last: Message | None = None) -> Receive:
    """`receive` for the app that reads the body next: the body read so far, then
    what came after it (a disconnect, when `last` is one)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": last is not None}]
    if last is not None:
        pending.append(last)

    async def replay() -> Any:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
