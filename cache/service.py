"""The response cache as requests use it: fail-open calls and single flight.

Any backend error (Redis down, slow past its timeout) is counted and turns
the call into a bypass; the backend is then left alone for `backoff`
seconds and tried again by the next request after that, so the cache
resumes by itself.

Invalidation is the exception: a write has committed, so it is never
skipped for the backoff. It gets up to `invalidation_attempts` attempts,
each bounded by `invalidation_timeout`, with a short growing pause between
them, as long as the request's deadline allows another. When all fail, the
write's response says so (`extensions.cache.invalidation`), and its tags
are kept here: this process stores no entry carrying one of them, and a
background repair retries the invalidation until it succeeds. Redis keeps
no "tag changed" record for an invalidation that never reached it, so
without the repair an answer computed before the write could still be
stored after it (docs/decisions/0024-idempotent-writes-and-invalidation.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from redis.exceptions import RedisError

from cache.backends.base import INVALIDATION_WINDOW, Backend
from cache.compressed import CompressedEntries
from cache.entry import Entry
from cache.metrics import ERRORS, INVALIDATION_RETRIES, INVALIDATIONS
from observability.decisions import note_redis_error
from observability.server_timing import current_phases
from observability.tracing import OFF, redis_span

logger = logging.getLogger("fleetgraph.cache")
T = TypeVar("T")

FAILURES = (RedisError, OSError, TimeoutError)
# A retry within the request is only started with at least this long left before its deadline.
MIN_ATTEMPT_SECONDS = 0.05
REPAIR_MAX_PAUSE = 1.0  # seconds between the background repair's attempts, at most


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
        invalidation_attempts: int = 3,
        invalidation_timeout: float = 0.5,
        retry_pause: float = 0.05,
        compressed: CompressedEntries | None = None,
    ) -> None:
        self.backend = backend
        self.compressed = compressed  # None: hits go out uncompressed
        self.default_max_age = default_max_age
        self.backoff = backoff
        self.lock_seconds = lock_seconds
        self.lock_wait = lock_wait
        self.invalidation_attempts = invalidation_attempts
        self.invalidation_timeout = invalidation_timeout
        self.retry_pause = retry_pause
        self.flights: dict[str, asyncio.Future[Entry | None]] = {}
        self._down_until = 0.0
        # Tags of failed invalidations -> the generation that last added them, until
        # the repair confirms them; `_unrepaired` counts the invalidations they came from.
        self._pending: dict[str, int] = {}
        self._generation = 0
        self._unrepaired = 0
        self._pending_wal = 0  # the highest WAL position of the pending invalidations
        self._repair: asyncio.Task[None] | None = None

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
        phases = current_phases()  # Server-Timing's `cache`, when on
        if phases is None:
            return await self._get(key)
        started = time.perf_counter()
        try:
            return await self._get(key)
        finally:
            phases.cache += time.perf_counter() - started

    async def _get(self, key: str) -> Entry | None:
        held = self.backend.peek(key)  # in-process: no call, no span, nothing to fail
        if held is not None:
            return held
        return await self._call("get", lambda: self.backend.get(key))

    async def sequence(self) -> int:
        return await self._call("sequence", self.backend.sequence)

    async def put(
        self,
        key: str,
        entry: Entry,
        tags: Collection[str],
        since: int,
        started: float,
        wal: int | None = None,
    ) -> bool:
        """Store unless a tag was invalidated since `since` (or the computation outlived
        the invalidation window, or a failed invalidation of one of its tags is not
        repaired yet), or, read from a replica at WAL position `wal`, after a position
        it had not replayed. Failure is not an error for the request."""
        if time.monotonic() - started > INVALIDATION_WINDOW:
            return False
        if self._pending and not self._pending.keys().isdisjoint(tags):
            return False
        phases = current_phases()
        began = time.perf_counter() if phases is not None else 0.0
        try:
            return await self._call("put", lambda: self._put(key, entry, tags, since, wal))
        except Unavailable:
            return False
        finally:
            if phases is not None:
                phases.cache += time.perf_counter() - began

    async def invalidate(
        self, tags: Collection[str], *, deadline: float | None = None, wal: int = 0
    ) -> bool:
        """Called after a write committed and before its response is sent; True once
        the backend has invalidated `tags`. Not subject to the backoff: a write must
        always try. The first attempt is always made in full; retries only while
        `deadline` (`time.monotonic()` scale; None: no deadline) leaves room for
        one. False: every attempt failed, and the background repair takes over.
        `wal`: the primary's WAL position after the write (0: no replicas)."""
        if not tags:
            return True
        wanted = frozenset(tags)
        name = self.backend.name
        pause = self.retry_pause
        attempt = 0
        while True:
            attempt += 1
            budget = self.invalidation_timeout
            if attempt > 1 and deadline is not None:
                budget = min(budget, deadline - time.monotonic())
            try:
                await self._invalidate_once(wanted, budget, wal)
            except FAILURES as exc:
                ERRORS.labels("invalidate", name).inc()
                left = math.inf if deadline is None else deadline - time.monotonic()
                wait = pause * random.uniform(0.5, 1.5)  # jitter
                if attempt >= self.invalidation_attempts or left < wait + MIN_ATTEMPT_SECONDS:
                    INVALIDATIONS.labels("failed", name).inc()
                    logger.error(
                        "response cache invalidation failed for %s after %d attempt(s): %r",
                        sorted(wanted),
                        attempt,
                        exc,
                    )
                    self._repair_later(wanted, wal)
                    return False
                logger.warning("response cache invalidation attempt %d failed: %r", attempt, exc)
                INVALIDATION_RETRIES.labels(name).inc()
                await asyncio.sleep(wait)
                pause *= 2
                continue
            INVALIDATIONS.labels("ok", name).inc()
            return True

    async def _invalidate_once(self, tags: Collection[str], budget: float, wal: int) -> None:
        async with asyncio.timeout(max(budget, 0.0)):
            # `wal` only with replicas: a backend without them keeps its two-argument call.
            await (self.backend.invalidate(tags, wal) if wal else self.backend.invalidate(tags))

    def _put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, wal: int | None
    ) -> Awaitable[bool]:
        if wal is None:
            return self.backend.put(key, entry, tags, since)
        return self.backend.put(key, entry, tags, since, wal)

    @property
    def unrepaired(self) -> int:
        """Failed invalidations the background repair has not completed yet."""
        return self._unrepaired

    def _repair_later(self, tags: frozenset[str], wal: int) -> None:
        self._generation += 1
        self._pending_wal = max(self._pending_wal, wal)
        for tag in tags:
            self._pending[tag] = self._generation
        self._unrepaired += 1
        if self._repair is None or self._repair.done():
            self._repair = asyncio.get_running_loop().create_task(self._repair_pending())

    async def _repair_pending(self) -> None:
        """Invalidate the pending tags, pausing ever longer (up to a second) between
        attempts, until one succeeds; tags a newer failure added meanwhile stay."""
        pause = self.retry_pause
        while self._pending:
            await asyncio.sleep(pause)
            pause = min(pause * 2, REPAIR_MAX_PAUSE)
            generation, count, tags = self._generation, self._unrepaired, list(self._pending)
            try:
                await self._invalidate_once(tags, self.invalidation_timeout, self._pending_wal)
            except FAILURES as exc:
                logger.debug("response cache: invalidation repair failed: %r", exc)
                continue
            for tag in tags:
                if self._pending.get(tag, generation + 1) <= generation:
                    del self._pending[tag]
            self._unrepaired -= count
            INVALIDATIONS.labels("repaired", self.backend.name).inc(count)
            logger.warning("response cache: %d failed invalidation(s) repaired", count)

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
        repair, self._repair = self._repair, None
        if repair is not None:
            repair.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await repair
        await self.backend.close()
