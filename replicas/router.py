"""Which server a read goes to: a ready replica, else the primary.

A background task checks every replica each `check_every` seconds: its replay
position, and how long the primary has stood past it (`lag`). A replica that
fails the check, or lags more than `max_lag`, gets no reads until a check finds
it back in step; with none ready the primary serves every read. A request
holding a consistency token is read from a replica that has replayed past it
(asked afresh while `wait` allows), else from the primary. Reads that lose
their connection to a replica mark it down and run on the primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Sequence
from typing import Any

import asyncpg

from replicas.pools import Pools
from replicas.replica import PRIMARY_SQL, PrimarySamples, Replica
from replicas.route import ROUTE, Route

logger = logging.getLogger("fleetgraph.replicas")

# A lost or refused connection: the server is gone, not the statement wrong.
LOST = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, TimeoutError)
# Any failure of a statement on the server (lost, or refused by it).
FAILED = (*LOST, asyncpg.PostgresError)
POLL_SECONDS = 0.01  # between fresh looks at the replicas while a token waits


class ReplicaRouter:
    def __init__(
        self,
        primary: Pools,
        replicas: Sequence[Replica],
        *,
        max_lag: float,
        check_every: float,
        wait: float,
    ) -> None:
        self.primary_route = Route(primary, None)
        self.replicas = list(replicas)
        self.max_lag = max_lag
        self.check_every = check_every
        self.wait = wait
        self.check_timeout = max(1.0, check_every * 2)
        self._samples = PrimarySamples(keep_seconds=max_lag * 2)
        self._ready: list[Replica] = []
        self._turn = itertools.count()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.check()
        self._task = asyncio.get_running_loop().create_task(self._check_forever())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for replica in self.replicas:
            await replica.pools.close()

    def reads(self) -> Route:
        """A ready replica, in turn; the primary when none is."""
        ready = self._ready
        if ready:
            replica = ready[next(self._turn) % len(ready)]
            if replica.ready:
                return self._route(replica)
            # One was marked down by a read since the last check: drop it now.
            ready = self._ready = [r for r in ready if r.ready]
            if ready:
                return self._route(ready[next(self._turn) % len(ready)])
        return self.primary_route

    async def after(self, wal: int) -> Route:
        """A replica that has replayed past `wal`, else (after `wait`) the primary."""
        deadline = time.monotonic() + self.wait
        while True:
            caught_up = [r for r in self._ready if r.ready and r.replayed >= wal]
            if caught_up:
                return self._route(caught_up[next(self._turn) % len(caught_up)])
            if not self._ready or time.monotonic() + POLL_SECONDS > deadline:
                return self.primary_route
            await asyncio.sleep(POLL_SECONDS)
            left = max(deadline - time.monotonic(), POLL_SECONDS)  # a hung replica: no longer
            await asyncio.gather(*(self._look(r, left) for r in self._ready))

    async def primary_wal(self) -> int:
        """The primary's WAL insert position now (a consistency token's content)."""
        [record] = await self.primary_route.pools.generic.fetch(PRIMARY_SQL)
        return int(record[0])

    async def fetch(
        self, generic: bool, sql: str, arguments: Sequence[Any], record_class: Any
    ) -> list[Any]:
        route = ROUTE.get() or self.reads()
        pools = route.pools
        pool = pools.generic if generic else pools.custom
        if route.down is None:
            return await pool.fetch(sql, arguments, record_class)
        try:
            return await pool.fetch(sql, arguments, record_class)
        except LOST as error:
            route.down()
            logger.warning("read replica lost (%r): reading from the primary", error)
        primary = self.primary_route.pools
        return await (primary.generic if generic else primary.custom).fetch(
            sql, arguments, record_class
        )

    async def check(self) -> None:
        """Look at the primary and every replica once; choose the ready ones."""
        now = time.monotonic()
        with contextlib.suppress(*FAILED):
            async with asyncio.timeout(self.check_timeout):
                self._samples.add(now, await self.primary_wal())
        await asyncio.gather(*(self._look(r, self.check_timeout) for r in self.replicas))
        for replica in self.replicas:
            replica.lag = self._samples.lag(replica.replayed, now)
            ready = replica.up and replica.lag <= self.max_lag
            if ready != replica.ready:
                logger.warning(
                    "read replica %s %s (lag %.1f s)",
                    replica.name,
                    "ready" if ready else "skipped",
                    replica.lag,
                )
            replica.ready = ready
        self._ready = [r for r in self.replicas if r.ready]

    async def _look(self, replica: Replica, seconds: float) -> None:
        try:
            await replica.position(seconds)
        except Exception as error:  # any failure: no reads there until it answers again
            if replica.up:
                logger.warning("read replica %s down: %r", replica.name, error)
            replica.down()
            return
        replica.up = True

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            try:
                await self.check()
            except Exception:  # never let the checks stop: log and look again
                logger.exception("read replica check failed")

    @staticmethod
    def _route(replica: Replica) -> Route:
        return Route(replica.pools, replica.replayed, replica.down)
