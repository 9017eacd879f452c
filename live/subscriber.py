"""One subscription's delivery queue: bounded, never blocking the group that fills it."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from live import metrics


class Subscriber:
    """Payloads (encoded once per group) waiting for one client to take them.

    When the client falls `size` payloads behind, `on_overflow` is called once (its
    transport closes the connection with the protocol's code) and nothing more is
    queued: a slow consumer costs the others nothing.
    """

    def __init__(self, size: int, on_overflow: Callable[[], None]) -> None:
        self.size = size
        self.on_overflow = on_overflow
        self._queue: deque[bytes | None] = deque()
        self._ready = asyncio.Event()
        self.overflowed = False
        self.changed_at: float | None = None  # when the change it delivers was published

    def offer(self, payload: bytes) -> None:
        if self.overflowed:
            return
        if len(self._queue) >= self.size:
            self.overflowed = True
            metrics.DROPPED.inc()
            self.on_overflow()
            return
        self._queue.append(payload)
        self._ready.set()

    def finish(self) -> None:
        """The stream ended: the client gets `complete` after what is queued."""
        self._queue.append(None)
        self._ready.set()

    async def next(self) -> bytes | None:
        """The next payload; None when the stream is complete."""
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()
