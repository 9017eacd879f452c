"""One RESP3 connection that hears about every change to the entry keys in Redis.

`CLIENT TRACKING ON BCAST PREFIX <prefix>` (Redis server-assisted client-side
caching, https://redis.io/docs/latest/develop/reference/client-side-caching/)
makes Redis push an `invalidate` message on this connection for every key
under the prefix that is written, deleted, expired or evicted, by anyone.
The socket is read by the event loop as data arrives and also synchronously,
without blocking, whenever a caller asks `is_live()`: a push already on the
socket is applied before a local copy is trusted (as redis-py's synchronous
client-side cache does before each cached read).

The connection is live once Redis acknowledged the tracking command and
while it answers a PING each `ping_interval`; otherwise `on_lost` runs (the
caller drops its copies) and the connection is re-opened in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import socket
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio.connection import parse_url

logger = logging.getLogger("fleetgraph.cache")

CLIENT_NAME = "fleetgraph-response-cache-tracking"
Invalidated = Callable[[list[bytes] | None], None]  # keys, or None: everything (a flush)


class Incomplete(Exception):
    """The buffer ends inside a message: wait for more bytes."""


def parse(buffer: bytes, at: int = 0) -> tuple[Any, int]:
    """One RESP3 value from `buffer` at `at`: (value, position after it)."""
    end = buffer.find(b"\r\n", at)
    if end < 0:
        raise Incomplete
    kind, line = buffer[at : at + 1], buffer[at + 1 : end]
    at = end + 2
    if kind in b"+(":
        return line, at
    if kind == b"-":
        return RedisReplyError(line.decode(errors="replace")), at
    if kind in b":":
        return int(line), at
    if kind == b"_":
        return None, at
    if kind == b"#":
        return line == b"t", at
    if kind == b",":
        return float(line), at
    if kind in b"$=!":
        size = int(line)
        if size < 0:
            return None, at
        if len(buffer) < at + size + 2:
            raise Incomplete
        return buffer[at : at + size], at + size + 2
    if kind in b"*>~%|":
        count = int(line) * (2 if kind in b"%|" else 1)
        items: list[Any] = []
        for _ in range(max(count, 0)):
            item, at = parse(buffer, at)
            items.append(item)
        if kind == b">":
            return Push(items), at
        if kind == b"|":  # attributes precede the value they describe
            return parse(buffer, at)
        return items, at
    raise ValueError(f"unexpected RESP3 type {kind!r}")


class Push(list[Any]):
    """An out-of-band message (`>`), as opposed to a reply."""


class RedisReplyError(Exception):
    pass


def command(*parts: str | bytes) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        raw = part.encode() if isinstance(part, str) else part
        out.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(out)


class TrackingConnection:
    def __init__(
        self,
        url: str,
        prefix: str,
        *,
        on_invalidate: Invalidated,
        on_lost: Callable[[], None],
        timeout: float = 1.0,
        ping_interval: float = 1.0,
    ) -> None:
        self.options = parse_url(url)
        self.prefix = prefix
        self.on_invalidate = on_invalidate
        self.on_lost = on_lost
        self.timeout = timeout
        self.ping_interval = ping_interval
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._live = False
        self._pongs_due = 0
        self._task: asyncio.Task[None] | None = None
        self._retry_at = 0.0
        self._closed = False
        self.client_id: int | None = None  # Redis's id of the connection, once open
        self._poll: select.poll | None = None
        self._warned = False

    # -- the caller's side ----------------------------------------------------------

    def is_live(self) -> bool:
        """Whether local copies may be trusted now; applies any waiting push first."""
        if self._live:
            self._drain()
        elif not self._closed and self._task is None and time.monotonic() >= self._retry_at:
            self._task = asyncio.get_running_loop().create_task(self._run())
        return self._live

    async def close(self) -> None:
        self._closed = True
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._drop_socket()

    # -- the connection -------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await asyncio.wait_for(self._open(), self.timeout)
            self._live = True
            if self._warned:
                logger.warning("response cache: tracking connection back, local copies on")
            self._warned = False
            while True:
                await asyncio.sleep(self.ping_interval)
                if self._pongs_due:  # the previous PING went unanswered
                    raise TimeoutError("tracking connection: no PONG")
                self._pongs_due = 1
                assert self._sock is not None
                ping = command("PING")
                if self._sock.send(ping) != len(ping):
                    raise ConnectionError("tracking connection: send buffer full")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not self._closed:
                self._log_failure(exc)
        finally:
            self._lose()

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        options = self.options
        [(family, kind, proto, _, address), *_] = await loop.getaddrinfo(
            options.get("host", "localhost"), options.get("port", 6379), type=socket.SOCK_STREAM
        )
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        self._sock = sock
        await loop.sock_connect(sock, address)
        hello: list[str] = ["HELLO", "3"]
        if options.get("password"):
            hello += ["AUTH", options.get("username") or "default", options["password"]]
        handshake = (
            command(*hello)
            + command("CLIENT", "SETNAME", CLIENT_NAME)  # findable in CLIENT LIST
            + command("CLIENT", "ID")
            + command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", self.prefix)
        )
        await loop.sock_sendall(sock, handshake)
        replies: list[Any] = []
        while len(replies) < 4:
            data = await loop.sock_recv(sock, 65536)
            if not data:
                raise ConnectionError("tracking connection closed during the handshake")
            self._buffer += data
            replies += [value for value in self._messages() if not isinstance(value, Push)]
        for reply in replies:
            if isinstance(reply, RedisReplyError):
                raise reply
        self.client_id = replies[2]
        if hasattr(select, "poll"):
            self._poll = select.poll()
            self._poll.register(sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        loop.add_reader(sock.fileno(), self._drain)

    def _drain(self) -> None:
        """Read what is on the socket now, without waiting, and apply it."""
        sock = self._sock
        if sock is None:
            return
        # Usually nothing is waiting: ask with poll(), cheaper than a recv that raises.
        if self._poll is not None and not self._poll.poll(0):
            return
        while True:
            try:
                data = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                self._fail(exc)
                return
            if not data:
                self._fail(ConnectionError("tracking connection closed by Redis"))
                return
            self._buffer += data
        for message in self._messages():
            if isinstance(message, Push):
                self._apply(message)
            elif message == b"PONG":
                self._pongs_due = 0

    def _messages(self) -> list[Any]:
        messages: list[Any] = []
        at = 0
        while at < len(self._buffer):
            try:
                value, at = parse(self._buffer, at)
            except Incomplete:
                break
            messages.append(value)
        self._buffer = self._buffer[at:]
        return messages

    def _apply(self, push: Push) -> None:
        if len(push) >= 2 and push[0] == b"invalidate":
            keys = push[1]
            self.on_invalidate(list(keys) if isinstance(keys, list) else None)

    def _log_failure(self, exc: Exception) -> None:
        """Warn once per outage (retries come every `ping_interval`), then quietly."""
        if self._warned:
            logger.debug("response cache: tracking connection still down: %r", exc)
            return
        self._warned = True
        logger.warning("response cache: tracking connection lost, local copies off: %r", exc)

    def _fail(self, exc: Exception) -> None:
        self._log_failure(exc)
        task = self._task
        if task is not None and task is not asyncio.current_task():
            task.cancel()  # its `finally` runs `_lose`
        self._lose()

    def _lose(self) -> None:
        was_live = self._live
        self._live = False
        self._task = None
        self._pongs_due = 0
        self._retry_at = time.monotonic() + self.ping_interval
        self._drop_socket()
        if was_live or self._closed:
            self.on_lost()

    def _drop_socket(self) -> None:
        sock, self._sock = self._sock, None
        self._buffer = b""
        self._poll = None
        if sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()
