"""uvicorn internals: its httptools protocol, subclassed (an internal module).

A deadline and a size cap on every request head.

uvicorn (httptools) waits for a request's head as long as the client likes:
no timer runs before a connection's first request, and any byte of the next
one cancels the keep-alive timer. Nor does it bound a head's size: llhttp
has no cap, and httptools gathers one header's value in memory until its
line ends. So a client sending its head a byte at a time (slowloris), or
one endless header line, holds a connection, and its memory, for good.

This protocol times and measures each head, from the connection's start or
from the first read of a head that read did not finish (a head that comes
whole in one read, as nearly all do, arms no timer), to its end:

- not complete within HEADER_READ_TIMEOUT_SECONDS: 408 with the code
  HEADER_READ_TIMEOUT (nothing at all was sent: the connection just closes);
- larger than MAX_HEADER_BYTES (request line and headers): 431 with the code
  HEADERS_TOO_LARGE, refused as soon as that many bytes came without the
  head ending, before httptools has buffered more.

Either way the connection closes. The app never sees such a request. The limits
come from a subclass (cli/http_protocol.py reads the settings).

Assumptions, pinned by tests/compat/test_uvicorn.py: uvicorn's
`HttpToolsProtocol` takes `(config, server_state, app_state, _loop)`, gets
each read through `data_received`, is httptools' parser callback object
(`on_message_begin`, `on_url`, `on_header`, `on_headers_complete`, `on_body`,
`on_message_complete`), keeps the request being answered in `cycle`, and
its `server_state.default_headers` are what it puts on every response.
"""

from __future__ import annotations

import asyncio
import http
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from compat.coalescing_transport import CoalescingTransport

if TYPE_CHECKING:
    from uvicorn.config import Config
    from uvicorn.server import ServerState

HEADER_TIMEOUT_CODE = "HEADER_READ_TIMEOUT"
HEADERS_TOO_LARGE_CODE = "HEADERS_TOO_LARGE"
_LINE_OVERHEAD = 4  # ": " and CRLF around each header, counted as sent


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float
    max_header_bytes: int


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's `HttpToolsProtocol`, bounding each request head in time and size."""

    limits: ClassVar[ConnectionLimits | None] = None  # None: `head_limits()` says

    def head_limits(self) -> ConnectionLimits:
        """The limits of this connection's heads (a subclass may read settings)."""
        if self.limits is None:
            raise NotImplementedError("set `limits` or override `head_limits()`")
        return self.limits

    def refusal_body(self, code: str, message: str) -> bytes:
        """The JSON body of a 408/431 refusal."""
        return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = self.head_limits()
        self._head_timer: asyncio.TimerHandle | None = None
        self._in_head = True  # between requests, or reading a head
        self._head_begun = False  # a byte of the current head has come
        self._head_raw = 0  # bytes of reads that began inside the current head
        self._head_size = 0  # request line and headers parsed so far
        self._refused = False

    # -- connection ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but write alike; a
        # response's head and body leave in one write (compat/coalescing_transport.py).
        coalescing = CoalescingTransport(cast(asyncio.Transport, transport), self.loop)
        super().connection_made(cast(asyncio.Transport, coalescing))
        self._arm()  # the first request's head is timed from the connection's start

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # closing: the rest is not read
        if self._in_head:
            self._head_raw += len(data)
        super().data_received(data)
        if not self._in_head:
            return
        # Still inside the head after all of it: every one of those bytes is the head's.
        if self._head_raw > self._limits.max_header_bytes:
            self._refuse_head(431, HEADERS_TOO_LARGE_CODE, self._too_large())
        elif self._head_begun and self._head_timer is None:
            # A head this read began but did not finish: only now does it need its
            # deadline. Most heads come whole in one read and arm no timer at all.
            self._arm()

    # -- parser callbacks -----------------------------------------------------------

    def on_message_begin(self) -> None:
        if self._refused:
            return
        super().on_message_begin()
        self._in_head = self._head_begun = True
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        if self._refused:
            return
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refused:
            return
        self._head_size += len(name) + len(value) + _LINE_OVERHEAD
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._disarm()
        self._in_head = self._head_begun = False
        self._head_raw = 0
        if self._head_size > self._limits.max_header_bytes:  # came in one read with more
            self._refuse_head(431, HEADERS_TOO_LARGE_CODE, self._too_large())
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        super().on_message_complete()
        self._in_head = True

    # -- the head's deadline and refusals -------------------------------------------

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self._limits.header_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if not self._head_begun:  # an idle connection: nothing to answer
            self._refused = True
            self.transport.close()
            return
        message = f"Request headers did not arrive within {self._limits.header_timeout:g} s."
        self._refuse_head(408, HEADER_TIMEOUT_CODE, message)

    def _too_large(self) -> str:
        return f"Request headers exceed {self._limits.max_header_bytes} bytes."

    def _refuse_head(self, status: int, code: str, message: str) -> None:
        """Answer `status` and close, without the app; the parser's further calls are ignored."""
        self._refused = True
        self._disarm()
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete:  # else an earlier response is being written
            body = self.refusal_body(code, message)
            head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode()]
            for name, value in self.server_state.default_headers:
                head.append(b"%s: %s\r\n" % (name, value))
            head.append(b"content-type: application/json\r\n")
            head.append(b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body))
            self.transport.write(b"".join(head) + body)
        self.transport.close()
