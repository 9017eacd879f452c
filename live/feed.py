"""What a live query's subscription resolver waits on: its group's changes.

A group (live/group.py) runs its subscription once, with a `Feed` as the root
value; the resolver (gql/types/subscription.py) asks `next_change` for the next
change it cares about. Changes that arrive within `coalesce` of the first are
merged into one, so a burst of writes costs one recomputation. Before handing
a change over, the feed gives the context fresh loaders and a new `now`: the
loaders cache what they read, and a recomputation must read again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from live import metrics
from live.bus import Change
from loaders import Loaders
from observability import tracing

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from context import Context

Interest = Callable[[frozenset[str]], bool]


class Feed:
    def __init__(self, context: Context, coalesce: float) -> None:
        self.context = context
        self.coalesce = coalesce
        self._tags: set[str] = set()
        self._resync = False
        self._wake = asyncio.Event()
        self.recomputations = 0  # how many changes were handed over (bench, tests)
        self._arrived: float | None = None  # the first change of the burst, monotonic
        self.changed_at: float | None = None  # the burst the current computation answers
        self.resynced = False  # the current computation answers a resync
        self.span: Span | None = None  # the current recomputation's, ended by the group

    def push(self, change: Change) -> None:
        """Called by the bus, synchronously: record and wake, never block."""
        self._tags |= change.tags
        self._resync = self._resync or change.resync
        if self._arrived is None:
            self._arrived = time.monotonic()
        self._wake.set()

    async def next_change(self, interest: Interest) -> Change:
        """The next (coalesced) change matching `interest`, or a resync."""
        while True:
            await self._wake.wait()
            if self.coalesce > 0:
                await asyncio.sleep(self.coalesce)  # let the rest of a burst arrive
            self._wake.clear()
            tags, resync = frozenset(self._tags), self._resync
            self._tags.clear()
            self._resync = False
            arrived, self._arrived = self._arrived, None
            if resync or interest(tags):
                self.recomputations += 1
                metrics.RECOMPUTATIONS.inc()
                self.changed_at, self.resynced = arrived, resync
                if self.span is not None:  # the last one yielded nothing (unchanged)
                    self.span.end()
                    self.span = None
                active = tracing.tracer()
                if active is not None:
                    attributes = {"live.tags": len(tags), "live.resync": resync}
                    self.span = active.start_span("live.recompute", attributes=attributes)
                self.refresh()
                return Change(tags, resync)

    def refresh(self) -> None:
        """Fresh loaders and clock for the next computation."""
        context = self.context
        db = context.db
        context.close()
        context.loaders = Loaders(db)
        context.now = datetime.now(UTC)
        context.reads.clear()
