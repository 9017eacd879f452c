"""Live queries in one process: admission, groups, caps, and the change bus.

The transports (live/ws.py, live/sse.py) open connections and subscriptions
here; writes publish their tags through `publish` (the pipeline's `ChangeSink`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import strawberry

from auth.tokens import ANONYMOUS, Viewer
from live import metrics
from live.admission import Admitted, Refused, admit
from live.bus import ChangeBus
from live.feed import Feed
from live.group import Group
from live.groups import Groups
from live.settings import LiveSettings
from live.subscriber import Subscriber
from pipeline import GraphQLRequest, Operation, Steps
from pipeline.shape import shaped

ADMIN = Viewer(role="admin")  # a group's viewer: its scope, nobody in particular


class LiveSubscription:
    """One client's subscription: its queue, and how to end it."""

    def __init__(self, live: Live, group: Group, subscriber: Subscriber, client: str) -> None:
        self.live, self.group, self.subscriber, self.client = live, group, subscriber, client
        self._closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.live.groups.leave(self.group, self.subscriber)
        self.live.release(self.client)


class Live:
    def __init__(self, settings: LiveSettings, schema: strawberry.Schema) -> None:
        self.settings, self.schema = settings, schema
        self.bus = ChangeBus()
        self.groups = Groups(self.bus)
        self.connections = 0
        self._per_client: Counter[str] = Counter()
        self._steps: Steps | None = None

    @property
    def steps(self) -> Steps:
        assert self._steps is not None, "the app's lifespan starts live queries"
        return self._steps

    def start(self, steps: Steps) -> None:
        self._steps = steps

    def publish(self, tags: frozenset[str]) -> None:
        """What a write changed (the pipeline calls it after the write committed)."""
        self.bus.publish(tags)

    def open_connection(self, transport: str) -> bool:
        """Count a new connection in; False past the process's cap (refuse it)."""
        cap = self.settings.max_connections
        if cap and self.connections >= cap:
            metrics.REFUSED.labels("TOO_MANY_CONNECTIONS").inc()
            return False
        self.connections += 1
        metrics.CONNECTIONS.labels(transport).inc()
        return True

    def close_connection(self, transport: str) -> None:
        self.connections -= 1
        metrics.CONNECTIONS.labels(transport).dec()

    async def subscribe(
        self, sent: Operation, viewer: Viewer, connection: Any, on_overflow: Callable[[], None]
    ) -> LiveSubscription:
        """Admit and join the operation's group; raises `Refused`."""
        steps = self.steps
        try:
            admitted = await admit(steps, sent, viewer, connection)
        except Refused as exc:
            metrics.REFUSED.labels(_code(exc)).inc()
            raise
        client = steps.client_key(connection, viewer) or _address(connection)
        if self._per_client[client] >= self.settings.max_subscriptions_per_client:
            metrics.REFUSED.labels("TOO_MANY_SUBSCRIPTIONS").inc()
            limit = self.settings.max_subscriptions_per_client
            raise Refused.of(
                f"At most {limit} subscriptions per client.", "TOO_MANY_SUBSCRIPTIONS", 429
            )
        self._per_client[client] += 1
        subscriber = Subscriber(self.settings.queue_size, on_overflow)
        group = self.groups.join(admitted.key, subscriber, lambda: self._group(admitted))
        return LiveSubscription(self, group, subscriber, client)

    def release(self, client: str) -> None:
        self._per_client[client] -= 1
        if self._per_client[client] <= 0:
            del self._per_client[client]

    def _group(self, admitted: Admitted) -> Group:
        steps = self.steps
        viewer = ADMIN if admitted.admin else ANONYMOUS
        context = steps.contexts.new(GraphQLRequest((), False, "POST", viewer, None))
        feed = Feed(context, self.settings.coalesce_seconds)

        async def stream(feed: Feed) -> AsyncIterator[Any]:
            results = await self.schema.subscribe(
                admitted.text,
                admitted.variables,
                feed.context,
                root_value=feed,
                operation_name=admitted.operation_name,
            )
            async for result in results:
                yield result

        return Group(admitted.key, feed, stream, self._encode)

    def _encode(self, result: Any) -> bytes:
        shaping = self.steps.shaping
        body = shaped(result, max_errors=shaping.max_errors, suggestions=shaping.suggestions)
        return orjson.dumps(body)


def _code(exc: Refused) -> str:
    code = (exc.errors[0].get("extensions") or {}).get("code") if exc.errors else None
    return str(code or "BAD_REQUEST")


def _address(connection: Any) -> str:
    client = getattr(connection, "client", None)
    return f"ip:{client.host if client else 'unknown'}"
