"""`BodyReadTimeout`: a body not whole within the deadline ends the request with 408."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
import pytest

from limits import BodyReadTimeout
from limits.body_timeout import BodyTimedOut

Message = dict[str, Any]
SCOPE = {"type": "http", "path": "/graphql", "method": "POST", "headers": []}


async def read_body(scope: Any, receive: Any, send: Any) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def client(chunks: list[tuple[float, Message]]) -> Any:
    """`receive` giving each message after its delay; then waiting for ever."""
    pending = list(chunks)

    async def receive() -> Message:
        if not pending:
            await asyncio.Event().wait()  # a client that sends nothing more
        delay, message = pending.pop(0)
        await asyncio.sleep(delay)
        return message

    return receive


async def run(app: Any, receive: Any) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(dict(SCOPE), receive, send)
    return sent


async def test_a_body_that_never_comes_gets_408_and_close() -> None:
    app = BodyReadTimeout(read_body, timeout=0.2)
    started = time.monotonic()
    partial = {"type": "http.request", "body": b"{", "more_body": True}
    start, body = await asyncio.wait_for(run(app, client([(0, partial)])), timeout=2)
    assert 0.2 <= time.monotonic() - started < 1
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]
    assert orjson.loads(body["body"])["errors"][0]["extensions"]["code"] == "BODY_READ_TIMEOUT"


async def test_the_deadline_covers_the_whole_body_not_each_chunk() -> None:
    app = BodyReadTimeout(read_body, timeout=0.3)
    chunk = {"type": "http.request", "body": b"x", "more_body": True}
    trickle = client([(0.1, chunk)] * 10)  # each chunk in time, the body not
    start, _ = await asyncio.wait_for(run(app, trickle), timeout=2)
    assert start["status"] == 408


async def test_a_body_in_time_passes_and_later_receives_are_not_timed() -> None:
    app = BodyReadTimeout(read_body, timeout=0.3)
    chunks = [
        (0.1, {"type": "http.request", "body": b"ab", "more_body": True}),
        (0.1, {"type": "http.request", "body": b"c", "more_body": False}),
    ]
    start, body = await run(app, client(chunks))
    assert (start["status"], body["body"]) == (200, b"abc")

    async def waits_for_disconnect(scope: Any, receive: Any, send: Any) -> None:
        await receive()  # the (empty) body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await receive()  # a disconnect, whenever it comes: not a body read
        await send({"type": "http.response.body", "body": b""})

    app = BodyReadTimeout(waits_for_disconnect, timeout=0.1)
    done = {"type": "http.request", "body": b"", "more_body": False}
    sent = await run(app, client([(0, done), (0.3, {"type": "http.disconnect"})]))
    assert sent[0]["status"] == 200 and len(sent) == 2


async def test_a_timeout_after_the_response_started_is_not_answered_twice() -> None:
    async def answers_then_reads(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while (await receive()).get("more_body"):
            pass

    app = BodyReadTimeout(answers_then_reads, timeout=0.1)
    partial = {"type": "http.request", "body": b"", "more_body": True}
    with pytest.raises(BodyTimedOut):  # uvicorn closes the connection
        await run(app, client([(0, partial)]))
