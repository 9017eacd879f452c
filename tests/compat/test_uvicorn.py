"""`LimitedHttpToolsProtocol`: every request head bounded in time and size.

A real uvicorn server with the protocol (0.5 s, 2 KiB) on a loopback port,
talked to over raw sockets: slow and idle connections are closed, oversized
heads get 431 before they end, and nothing else changes (kept-alive
connections, slow handlers, heads just under the cap).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from compat.uvicorn import ConnectionLimits, LimitedHttpToolsProtocol

TIMEOUT = 0.5
MAX_HEADER_BYTES = 2048
SEEN: list[str] = []  # paths the app was called for


class Limited(LimitedHttpToolsProtocol):
    limits = ConnectionLimits(header_timeout=TIMEOUT, max_header_bytes=MAX_HEADER_BYTES)


async def plain(request: Request) -> Response:
    SEEN.append(request.url.path)
    body = await request.body()
    return JSONResponse({"length": len(body)})


async def slow(request: Request) -> Response:
    SEEN.append(request.url.path)
    await asyncio.sleep(TIMEOUT * 2)  # longer than a head may take: not a head's time
    return JSONResponse({"slow": True})


APP = Starlette(routes=[Route("/plain", plain, methods=["GET", "POST"]), Route("/slow", slow)])


@asynccontextmanager
async def serving() -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        APP, host="127.0.0.1", port=port, http=Limited, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn says nothing when it is up: poll its flag, 5 s at most
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    SEEN.clear()
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def read_all(reader: asyncio.StreamReader, within: float = 5.0) -> bytes:
    """Everything until the server closes the connection."""
    return await asyncio.wait_for(reader.read(), timeout=within)


async def response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return head, await reader.readexactly(length)


def code(raw: bytes) -> str:
    body = raw.split(b"\r\n\r\n", 1)[1]
    found: str = orjson.loads(body)["errors"][0]["extensions"]["code"]
    return found


async def test_a_slow_header_sender_gets_408_and_is_disconnected() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.monotonic()
        answer = asyncio.create_task(read_all(reader))
        writer.write(b"GET /plain HTTP/1.1\r\nHost: x\r\n")
        for _ in range(20):  # a header byte every 0.1 s: never done within 0.5 s
            await asyncio.sleep(0.1)
            if answer.done():
                break
            try:
                writer.write(b"X")
                await writer.drain()
            except ConnectionError:
                break
        raw = await answer
        elapsed = time.monotonic() - started
        writer.close()
    assert raw.startswith(b"HTTP/1.1 408 "), (
        "uvicorn's HttpToolsProtocol no longer calls on_message_begin/on_headers_complete "
        f"on the protocol, or no longer exposes `cycle`: a slow head was served: {raw[:80]!r}"
    )
    assert b"connection: close" in raw
    assert code(raw) == "HEADER_READ_TIMEOUT"
    assert TIMEOUT <= elapsed < TIMEOUT + 1.5
    assert SEEN == []


async def test_an_idle_connection_is_closed_without_a_word() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.monotonic()
        raw = await read_all(reader)
        elapsed = time.monotonic() - started
        writer.close()
    assert raw == b""
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + 1.5


async def test_an_endless_header_line_gets_431_before_it_ends() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /plain HTTP/1.1\r\nHost: x\r\nX-Big: ")
        for _ in range(8):  # 8 KiB of one header's value, no line end yet
            writer.write(b"a" * 1024)
        await writer.drain()
        raw = await read_all(reader)
        writer.close()
    assert raw.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), (
        "uvicorn's HttpToolsProtocol no longer gets each read through data_received: "
        f"an endless header line was not cut off: {raw[:80]!r}"
    )
    assert code(raw) == "HEADERS_TOO_LARGE"
    assert SEEN == []


async def test_a_whole_oversized_head_in_one_write_gets_431() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(30))  # ~3.3 KiB
        writer.write(b"POST /plain HTTP/1.1\r\nHost: x\r\n" + headers)
        writer.write(b"Content-Length: 5\r\n\r\nhello")
        await writer.drain()
        raw = await read_all(reader)
        writer.close()
    assert raw.startswith(b"HTTP/1.1 431 "), (
        "uvicorn's HttpToolsProtocol no longer calls on_url/on_header for every header: "
        f"a whole oversized head was served: {raw[:80]!r}"
    )
    assert raw.count(b"HTTP/1.1") == 1
    assert SEEN == []


async def test_heads_under_the_cap_and_slow_handlers_are_served_on_one_connection() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        near_cap = b"X-Near: " + b"n" * (MAX_HEADER_BYTES - 200) + b"\r\n"
        writer.write(b"POST /plain HTTP/1.1\r\nHost: x\r\n" + near_cap)
        writer.write(b"Content-Length: 5\r\n\r\nhello")
        head, body = await response(reader)
        assert head.startswith(b"HTTP/1.1 200 ")
        assert orjson.loads(body) == {"length": 5}
        # A handler slower than the head timeout: the request is past its head.
        writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        head, body = await response(reader)
        assert head.startswith(b"HTTP/1.1 200 ")
        # The next head on the kept-alive connection has a deadline of its own.
        await asyncio.sleep(TIMEOUT * 0.6)
        writer.write(b"GET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = await response(reader)
        assert head.startswith(b"HTTP/1.1 200 ")
        writer.write(b"GET /plain HTTP/1.1\r\n")  # ... and never finished
        raw = await read_all(reader)
        writer.close()
    assert raw.startswith(b"HTTP/1.1 408 ")
    assert SEEN == ["/plain", "/slow", "/plain"]
