"""The read path's PostgreSQL connections: a small pool of asyncpg connections.

Why not `asyncpg.Pool`: its `release` shields a new task per release (so
that cancelling the caller cannot lose the connection), and with its proxy
objects that costs ~45 us of CPU per statement on the bench machine, 7-14% of
a planned request (docs/decisions/0016-read-pool.md). Reads need less: one
statement per checkout, no transaction, no session state. So a checkout is
a list pop and a release a list append, both synchronous (nothing to
cancel); a connection that saw any failure other than a server-side error
(a cancelled or timed-out read, a lost socket) is terminated, never reused,
and its slot reopens on the next demand.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

Connect = Callable[[], Awaitable[asyncpg.Connection]]


class ReadPoolClosed(asyncpg.InterfaceError):  # type: ignore[misc]
    """The pool is closing: no new reads (an outage to clients, see db/faults.py)."""


class ReadPool:
    """At most `size` connections; `fetch` runs one statement on one of them."""

    def __init__(self, connect: Connect, size: int) -> None:
        if size < 1:
            raise ValueError("a read pool needs at least one connection")
        self._connect = connect
        self._size = size
        self._idle: list[asyncpg.Connection] = []  # LIFO: the warmest connection first
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._opened = 0  # open or opening
        self._closed = False

    def get_size(self) -> int:
        return self._opened

    def get_idle_size(self) -> int:
        return len(self._idle)

    async def fetch(
        self,
        sql: str,
        arguments: Sequence[Any] = (),
        record_class: type[asyncpg.Record] | None = None,
    ) -> list[asyncpg.Record]:
        idle = self._idle
        if idle and not idle[-1].is_closed():
            connection = idle.pop()
        else:
            connection = await self._checkout()
        try:
            records: list[asyncpg.Record] = await connection.fetch(
                sql, *arguments, record_class=record_class
            )
        except asyncpg.PostgresError as error:
            # The server refused the statement (timeout, bad value): the connection is fine
            # unless the error is the connection's own (class 08, shutdown).
            if isinstance(error, asyncpg.PostgresConnectionError) or connection.is_closed():
                self._discard(connection)
            else:
                self._release(connection)
            raise
        except BaseException:  # cancelled mid-read, socket lost: its state is unknown
            self._discard(connection)
            raise
        self._release(connection)
        return records

    async def _checkout(self) -> asyncpg.Connection:
        """An idle connection, a new one while below `size`, else the next one released."""
        while True:
            if self._closed:
                raise ReadPoolClosed("the read pool is closing")
            while self._idle:
                connection = self._idle.pop()
                if not connection.is_closed():
                    return connection
                self._discard(connection)  # the server closed it while idle (a restart)
            if self._opened < self._size:
                return await self._open()
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                handed = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    # Handed something as we were cancelled: pass it on.
                    released = waiter.result()
                    if released is None:
                        self._wake(None)
                    else:
                        self._hand_on(released)
                raise
            if handed is not None:
                return handed
            # None: a slot freed (a connection was discarded) or the pool closed: look again.

    async def _open(self) -> asyncpg.Connection:
        self._opened += 1
        try:
            return await self._connect()
        except BaseException:
            self._opened -= 1
            self._wake(None)  # a waiter may try the free slot
            raise

    def _release(self, connection: asyncpg.Connection) -> None:
        if self._closed or connection.is_closed():
            self._discard(connection)
        else:
            self._hand_on(connection)

    def _hand_on(self, connection: asyncpg.Connection) -> None:
        if not self._wake(connection):
            self._idle.append(connection)

    def _discard(self, connection: asyncpg.Connection) -> None:
        connection.terminate()
        self._opened -= 1
        self._wake(None)

    def _wake(self, value: asyncpg.Connection | None) -> bool:
        """Give `value` to the oldest live waiter; False when nobody waits."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(value)
                return True
        return False

    async def close(self) -> None:
        """Close the idle connections; the ones in use close as they come back."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
        idle, self._idle = self._idle, []
        for connection in idle:
            self._opened -= 1
            try:
                await connection.close(timeout=2)
            except Exception:  # closing anyway: a lost socket needs no goodbye
                connection.terminate()


@dataclass(frozen=True, slots=True)
class ReadPools:
    """Reads by how PostgreSQL plans them (docs/decisions/0017-read-plans.md): plan-stable
    statements on connections that keep one generic plan per prepared statement, the
    others (filters on client values) on connections that plan every execution."""

    generic: ReadPool
    custom: ReadPool

    def get_size(self) -> int:
        return self.generic.get_size() + self.custom.get_size()

    def get_idle_size(self) -> int:
        return self.generic.get_idle_size() + self.custom.get_idle_size()

    async def close(self) -> None:
        await self.generic.close()
        await self.custom.close()
