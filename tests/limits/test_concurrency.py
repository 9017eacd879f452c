"""`ConcurrencyLimit`: N requests in flight, the next refused with 503 + Retry-After."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from limits import ConcurrencyLimit

Message = dict[str, Any]


class Gate:
    """An app whose requests wait until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.entered += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(app: Any, path: str = "/graphql", type_: str = "http") -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": type_, "path": path, "method": "POST", "headers": []}, receive, send)
    return sent


async def test_past_the_cap_requests_are_refused_at_once() -> None:
    gate = Gate()
    limit = ConcurrencyLimit(gate, max_requests=2, exempt=["/health"])
    held = [asyncio.create_task(call(limit)) for _ in range(2)]
    await asyncio.sleep(0)
    assert limit.in_flight == 2
    start, body = await asyncio.wait_for(call(limit), timeout=1)
    assert start["status"] == 503
    assert (b"retry-after", b"1") in start["headers"]
    assert (b"content-type", b"application/json") in start["headers"]
    error = orjson.loads(body["body"])["errors"][0]
    assert error["extensions"]["code"] == "SERVER_BUSY"
    assert gate.entered == 2  # the refused one never reached the app

    exempt = asyncio.create_task(call(limit, "/health"))  # monitoring is never refused
    await asyncio.sleep(0)
    assert gate.entered == 3
    gate.release.set()
    assert [s[0]["status"] for s in await asyncio.gather(*held, exempt)] == [200, 200, 200]
    assert limit.in_flight == 0
    assert (await call(limit))[0]["status"] == 200  # slots are given back


async def test_a_failing_request_gives_its_slot_back() -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    limit = ConcurrencyLimit(failing, max_requests=1)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            await call(limit)
    assert limit.in_flight == 0


async def test_zero_means_no_cap_and_other_scopes_pass() -> None:
    gate = Gate()
    gate.release.set()
    unlimited = ConcurrencyLimit(gate, max_requests=0)
    assert [m["status"] for m in await call(unlimited) if "status" in m] == [200]
    await call(ConcurrencyLimit(gate, max_requests=1), type_="lifespan")
    assert gate.entered == 2
