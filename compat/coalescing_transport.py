"""A transport that sends a response's head and body in one write.

uvicorn writes a response's head when the app sends `http.response.start`
and its body when the app sends `http.response.body`: two `transport.write`
calls, and uvloop makes each one a `send()` at once. On a loopback or LAN
connection that is two segments per response, and the sending syscall runs
the network stack for each: a sampled profile of the planned Q3 under load
put 11% of the worker's CPU in those two writes (docs/decisions/0032).

This transport holds back one small write until the end of the event loop's
current iteration, so a body written in the same iteration goes out with it
in one `send()`; anything written after a held write joins it and goes out at
once. So at most one write of at most `HOLD_LIMIT` bytes is ever held, and for
no longer than one loop iteration: flow control and memory are as before.
`close()` sends what it holds first; `abort()` drops it, as abort drops the
transport's own buffer.

Every other transport method is the wrapped transport's.
"""

from __future__ import annotations

import asyncio
from typing import Any

HOLD_LIMIT = 16 * 1024  # a response head, or a whole small response, fits


class CoalescingTransport:
    """Wraps a connected transport; `write` coalesces a held write with the next one."""

    __slots__ = ("_flush_handle", "_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._flush_handle: asyncio.Handle | None = None

    @property
    def wrapped(self) -> asyncio.Transport:
        return self._transport

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + bytes(data))
            return
        if len(data) <= HOLD_LIMIT and not self._transport.is_closing():
            self._held = bytes(data)
            if self._flush_handle is None:
                self._flush_handle = self._loop.call_soon(self._flush)
            return
        self._transport.write(data)

    def _flush(self) -> None:
        self._flush_handle = None
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def writelines(self, chunks: Any) -> None:
        self.write(b"".join(chunks))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        held = self._held
        return self._transport.get_write_buffer_size() + (len(held) if held else 0)

    def __getattr__(self, name: str) -> Any:
        # The rest of the transport API (write_eof, buffer limits, ...), unchanged.
        return getattr(self._transport, name)
