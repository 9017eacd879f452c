"""The response cache as requests use it: fail-open calls and single flight.

Any backend error (Redis down, slow past its timeout) is counted and turns
the call into a bypass; the backend is then left alone for `backoff`
seconds and tried again by the next request after that, so the cache
resumes by itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from redis.exceptions import RedisError

from cache.backends.base import INVALIDATION_WINDOW, Backend
from cache.entry import Entry
from cache.metrics import ERRORS
from observability.decisions import note_redis_error
from observability.tracing import OFF, redis_span

logger = logging.getLogger("fleetgraph.cache")
T = TypeVar("T")
FAILURES = (RedisError, OSError, TimeoutError)


class Unavailable(Exception):
    """The backend failed (or is backing off): serve without the cache."""


class ResponseCache:
    def __init__(
        self,
        backend: Backend,
        *,
        default_max_age: int,
        backoff: float = 1.0,
        lock_seconds: float = 5.0,
        lock_wait: float = 1.0,
    ) -> None:
        self.backend = backend
        self.default_max_age = default_max_age
        self.backoff = backoff
        self.lock_seconds = lock_seconds
        self.lock_wait = lock_wait
        self.flights: dict[str, asyncio.Future[Entry | None]] = {}
        self._down_until = 0.0

    async def _call(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        if self._down_until and time.monotonic() < self._down_until:
            raise Unavailable("backing off")
        # One span per Redis call (observability/); the in-process backend gets none.
        span = redis_span(operation.upper()) if self.backend.name == "redis" else OFF
        try:
            with span:
                result = await call()
                if operation == "get":
                    span.hit = result is not None
        except FAILURES as exc:
            ERRORS.labels(operation, self.backend.name).inc()
            if self.backend.name == "redis":
                note_redis_error(operation.upper())
            self._down_until = time.monotonic() + self.backoff
            logger.warning("response cache %s failed: %r", operation, exc)
            raise Unavailable(operation) from exc
        self._down_until = 0.0
        return result

    async def get(self, key: str) -> Entry | None:
        held = self.backend.peek(key)  # in-process: no call, no span, nothing to fail
        if held is not None:
            return held
        return await self._call("get", lambda: self.backend.get(key))

    async def sequence(self) -> int:
        return await self._call("sequence", self.backend.sequence)

    async def put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, started: float
    ) -> bool:
        """Store unless a tag was invalidated since `since` (or the computation outlived
        the invalidation window). Failure is not an error for the request."""
        if time.monotonic() - started > INVALIDATION_WINDOW:
            return False
        try:
            return await self._call("put", lambda: self.backend.put(key, entry, tags, since))
        except Unavailable:
            return False

    async def invalidate(self, tags: Collection[str]) -> bool:
        """Called after a write committed and before its response is sent. Not
        subject to the backoff: a write must always try to invalidate."""
        if not tags:
            return True
        try:
            await self.backend.invalidate(tags)
        except FAILURES as exc:
            ERRORS.labels("invalidate", self.backend.name).inc()
            logger.error("response cache invalidation failed for %s: %r", sorted(tags), exc)
            return False
        return True

    async def lock(self, key: str) -> bool:
        """True: compute (we hold the lock, or the backend cannot say)."""
        try:
            return await self._call("lock", lambda: self.backend.lock(key, self.lock_seconds))
        except Unavailable:
            return True

    async def unlock(self, key: str) -> None:
        try:
            await self._call("unlock", lambda: self.backend.unlock(key))
        except Unavailable:
            return

    async def wait_for(self, key: str) -> Entry | None:
        """Another process is computing `key`: poll for its entry, for a bounded time."""
        deadline = time.monotonic() + self.lock_wait
        delay = 0.005
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
            try:
                entry = await self.get(key)
            except Unavailable:
                return None
            if entry is not None:
                return entry
        return None

    async def close(self) -> None:
        await self.backend.close()
