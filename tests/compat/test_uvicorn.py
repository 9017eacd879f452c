"""compat/uvicorn.py: one write per response, nothing else changed.

The assumptions about uvicorn (`uvicorn.protocols.http.httptools_impl`, an
internal module): `HttpToolsProtocol.connection_made(transport)` keeps the
transport it is given, and the request cycle writes the head, then the body,
through it.

A real uvicorn server with `HeadHoldingHttpToolsProtocol` on a loopback port,
talked to over a raw socket: answers arrive whole and in order on a kept-alive
connection, a streamed response's head is not held back until its body, and
the head and body of a plain response leave in one system call (counted on the
server's transport).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from compat.uvicorn import HeadHoldingHttpToolsProtocol, HeadHoldingTransport

WRITES: list[bytes] = []


class CountingProtocol(HeadHoldingHttpToolsProtocol):
    """Records what reaches the socket's transport (beneath the head-holding one)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        write = transport.write  # type: ignore[attr-defined]

        def recorded(data: bytes) -> None:
            WRITES.append(bytes(data))
            write(data)

        transport.write = recorded  # type: ignore[attr-defined]
        super().connection_made(transport)


async def plain(request: Request) -> Response:
    return JSONResponse({"hello": request.query_params.get("n", "world")})


async def slow_stream(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        await asyncio.sleep(0.5)
        yield b"late"

    return StreamingResponse(chunks(), media_type="text/plain")


APP = Starlette(routes=[Route("/plain", plain), Route("/stream", slow_stream)])


@asynccontextmanager
async def serving() -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        APP, host="127.0.0.1", port=port, http=CountingProtocol, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn says nothing when it is up: poll its flag, 5 s at most
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def _response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return head, await reader.readexactly(length)


async def test_plain_responses_leave_in_one_write_on_a_kept_alive_connection() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        WRITES.clear()
        for n in ("a", "b", "c"):
            writer.write(f"GET /plain?n={n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            await writer.drain()
            head, body = await _response(reader)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            assert body == b'{"hello":"%s"}' % n.encode()
        writer.close()
    assert len(WRITES) == 3, (
        "uvicorn's HttpToolsProtocol no longer writes a response's head and body through "
        f"the transport given to connection_made (one write per response expected): {WRITES}"
    )
    assert all(w.startswith(b"HTTP/1.1 200") and w.endswith(b'"}') for w in WRITES)


async def test_a_streamed_head_is_not_held_until_its_body() -> None:
    async with serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        # The body comes 0.5 s later: the head must arrive well before it.
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=0.3)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"transfer-encoding: chunked" in head
        rest = await asyncio.wait_for(reader.readuntil(b"0\r\n\r\n"), timeout=5)
        assert b"late" in rest
        writer.close()


class _Recording:
    """Just enough of a transport to see what the holding transport passes on."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def test_a_held_head_is_written_before_close_and_other_calls_pass_through() -> None:
    inner = _Recording()
    holding = HeadHoldingTransport(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
    holding.write(b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    assert inner.written == []
    holding.close()
    assert inner.written == [b"HTTP/1.1 500 Internal Server Error\r\n\r\n"]
    assert inner.closed
    assert holding.get_extra_info("peername") == "info:peername"
    holding.write(b"not a head")  # bodies and 100-continue's like pass straight on
    assert inner.written[-1] == b"not a head"
