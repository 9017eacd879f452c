"""A group: the subscribers of one live query (document, variables, viewer scope).

The group runs the subscription once for all of them, with a `Feed` as its root
value, encodes each payload once and queues it for every subscriber. A payload
equal to the previous one is not sent (unless a resync asked for a fresh one).
A group whose first payload came before any change (the field yields its current
state first) hands its latest payload to each subscriber that joins later, so a
client that (re)connects gets the current state first.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from opentelemetry import trace

from live import metrics
from live.feed import Feed
from live.subscriber import Subscriber
from observability import tracing

log = logging.getLogger("fleetgraph.live")

Stream = Callable[[Feed], AsyncIterator[Any]]  # runs the subscription, yields its results
Encode = Callable[[Any], bytes]


class Group:
    def __init__(self, key: tuple[Any, ...], feed: Feed, stream: Stream, encode: Encode) -> None:
        self.key = key
        self.feed = feed
        self.subscribers: dict[Subscriber, None] = {}  # in joining order
        self.latest: bytes | None = None
        self.stateful = False
        self._stream, self._encode = stream, encode
        self._task: asyncio.Task[None] | None = None
        self.done = False

    def join(self, subscriber: Subscriber) -> None:
        self.subscribers[subscriber] = None
        if self.done:
            subscriber.finish()
        elif self.stateful and self.latest is not None:
            subscriber.offer(self.latest)
        if self._task is None:
            # A context of its own: the group outlives the request or connection that
            # started it (its log record, its sampling decision).
            self._task = asyncio.create_task(
                self._run(), name=f"live group {id(self)}", context=contextvars.Context()
            )

    def leave(self, subscriber: Subscriber) -> bool:
        """Forget `subscriber`; True when the group has none left (and was stopped)."""
        self.subscribers.pop(subscriber, None)
        if self.subscribers:
            return False
        if self._task is not None:
            self._task.cancel()
        self.feed.context.close()
        return True

    async def _run(self) -> None:
        try:
            async for result in self._stream(self.feed):
                self._deliver(result)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug: the subscribers get `complete`, the log the reason
            log.exception("live query failed")
        self.done = True
        for subscriber in list(self.subscribers):
            subscriber.finish()

    def _deliver(self, result: Any) -> None:
        feed = self.feed
        if feed.recomputations == 0:
            self.stateful = True  # yielded before any change: its current state
        span, feed.span = feed.span, None
        active = tracing.tracer()
        parent = None if span is None else trace.set_span_in_context(span)
        spanning = active.start_as_current_span("live.deliver", parent) if active else None
        with spanning if spanning is not None else contextlib.nullcontext() as deliver:
            payload = self._encode(result)
            unchanged = payload == self.latest and not feed.resynced
            if deliver is not None:
                deliver.set_attribute("live.subscribers", len(self.subscribers))
                deliver.set_attribute("live.unchanged", unchanged)
            if unchanged:
                metrics.UNCHANGED.inc()
            else:
                self.latest = payload
                sent = self._resync_of(result) if feed.resynced else payload
                for subscriber in list(self.subscribers):
                    subscriber.offer(sent)
                metrics.DELIVERIES.inc(len(self.subscribers))
                if feed.changed_at is not None:
                    metrics.LATENCY.observe(time.monotonic() - feed.changed_at)
        if span is not None:
            span.end()

    def _resync_of(self, result: Any) -> bytes:
        """The payload saying, in `extensions.live.resync`, that updates may have been
        missed (the relay was down): this one is a fresh full one."""
        result.extensions = {**(result.extensions or {}), "live": {"resync": True}}
        return self._encode(result)
