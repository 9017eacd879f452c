"""`CoalescingTransport`: a response's head and body leave in one write.

A real uvicorn server with `LimitedHttpToolsProtocol` on a loopback port. The
test protocol puts a recorder between uvicorn's transport and the coalescing
one: it passes every call on to the real transport and notes each `write`,
so the test sees what reached the socket and in how many writes.

Assumption pinned here (compat/coalescing_transport.py): uvicorn writes a
response through `transport.write` of the transport its protocol got in
`connection_made`, the head when `http.response.start` is sent and the body
when `http.response.body` is.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from compat.coalescing_transport import HOLD_LIMIT, CoalescingTransport
from compat.uvicorn import ConnectionLimits, LimitedHttpToolsProtocol

sent: list[bytes] = []  # what reached the real transport, one entry per write


class Recorder:
    """The real transport, noting each write (everything else passes through)."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport

    def write(self, data: bytes) -> None:
        sent.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class Recorded(LimitedHttpToolsProtocol):
    limits = ConnectionLimits(header_timeout=5.0, max_header_bytes=8192)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(Recorder(transport))  # type: ignore[arg-type]


async def small(request: Request) -> Response:
    return Response(b"small body", media_type="text/plain")


async def large(request: Request) -> Response:
    return Response(b"x" * (HOLD_LIMIT * 2), media_type="text/plain")


async def streamed(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            await asyncio.sleep(0)  # each chunk in a later loop iteration
            yield b"chunk%d;" % index

    return StreamingResponse(chunks(), media_type="text/plain")


APP = Starlette(
    routes=[Route("/small", small), Route("/large", large), Route("/streamed", streamed)]
)


@asynccontextmanager
async def serving() -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        APP, host="127.0.0.1", port=port, http=Recorded, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    sent.clear()
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def exchange(port: int, request: bytes) -> bytes:
    """Send `request` with `Connection: close` and read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    raw = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    return raw


async def test_a_small_response_leaves_in_one_write() -> None:
    async with serving() as port:
        raw = await exchange(port, b"GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 ")
    assert raw.endswith(b"\r\n\r\nsmall body")
    assert sent == [raw]  # head and body together


async def test_kept_alive_responses_each_leave_in_one_write() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(3):
            writer.write(b"GET /small HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            body = await asyncio.wait_for(reader.readexactly(len(b"small body")), timeout=5)
            assert head.startswith(b"HTTP/1.1 200 ") and body == b"small body"
        writer.close()
    assert len(sent) == 3
    assert all(write.endswith(b"\r\n\r\nsmall body") for write in sent)


async def test_a_large_body_joins_the_held_head_and_is_not_held_itself() -> None:
    async with serving() as port:
        raw = await exchange(port, b"GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert raw.endswith(b"\r\n\r\n" + b"x" * (HOLD_LIMIT * 2))
    assert sent == [raw]


async def test_a_streamed_response_arrives_whole_and_in_order() -> None:
    async with serving() as port:
        raw = await exchange(
            port, b"GET /streamed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head
    assert body == b"7\r\nchunk0;\r\n7\r\nchunk1;\r\n7\r\nchunk2;\r\n0\r\n\r\n"
    assert b"".join(sent) == raw
    # Each write held at most one loop iteration: the chunks came one per iteration,
    # so they cannot all have gone out together.
    assert len(sent) >= 2


async def test_a_held_write_goes_out_in_the_next_iteration_and_before_close() -> None:
    received: list[bytes] = []
    done = asyncio.Event()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read())  # until EOF
        writer.close()
        await writer.wait_closed()
        done.set()

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    loop = asyncio.get_running_loop()

    transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    coalescing = CoalescingTransport(Recorder(transport), loop)  # type: ignore[arg-type]
    sent.clear()
    coalescing.write(b"held")
    assert sent == []  # held until the loop turns
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert sent == [b"held"]
    coalescing.write(b"last words")
    coalescing.close()  # sends what it holds, then closes
    assert sent == [b"held", b"last words"]
    await asyncio.wait_for(done.wait(), timeout=5)
    server.close()
    await server.wait_closed()
    assert received == [b"heldlast words"]
