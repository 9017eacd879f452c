"""uvicorn's httptools protocol, writing a response's head and first body chunk at once.

uvicorn writes the status line and headers as soon as the app sends
`http.response.start`, then the body on `http.response.body`: two `write`
system calls and two TCP segments per response, and the client woken twice.
Holding the head until the body's first write (or the end of the current
event-loop iteration, whichever comes first) makes it one write for every
response whose body follows at once, which is all of ours but a stream's.
Decision and measurement: docs/decisions/0019-one-write-per-response.md.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD = b"HTTP/"


class HeadHoldingTransport:
    """A transport that holds a response head until the next write, for one write."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + bytes(data))
        elif isinstance(data, bytes) and data.startswith(_HEAD):
            self._held = data
            # Not later than this iteration: a streamed body may take its time.
            self._loop.call_soon(self.release)
        else:
            self._transport.write(data)

    def release(self) -> None:
        """Write a head still held (its body did not follow in the same iteration)."""
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.release()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeadHoldingHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` whose connection writes through a `HeadHoldingTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but write alike.
        holding = HeadHoldingTransport(cast(asyncio.Transport, transport), self.loop)
        super().connection_made(cast(asyncio.Transport, holding))
