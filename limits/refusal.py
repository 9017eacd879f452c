"""The response of a middleware that refuses a request: a GraphQL-shaped JSON error."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.types import Send


def refusal_body(code: str, message: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


async def send_refusal(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    headers: Sequence[tuple[bytes, bytes]] = (),
    close: bool = False,
) -> None:
    """`close`: end the connection after it (a body is left unread on it)."""
    body = refusal_body(code, message)
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        *headers,
    ]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
