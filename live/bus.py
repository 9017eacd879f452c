"""The change bus: what writes changed (their cache tags), for live queries.

Writes publish the tags they invalidate in the response cache (cache/tags.py);
every group of live subscribers (live/group.py) listens here. Delivery in the
process is synchronous and never blocks the writer: a listener only records
the change and wakes its own task. A `Relay` (live/redis_relay.py) carries
changes between processes; without one the bus is this process's only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Change:
    """Tags one write changed; `resync`: changes may have been missed (a relay came
    back), so every live query recomputes and sends a fresh full payload."""

    tags: frozenset[str]
    resync: bool = False


Listener = Callable[[Change], None]


class Relay(Protocol):
    """Carries this process's changes to the others'."""

    def send(self, tags: frozenset[str]) -> None: ...


class ChangeBus:
    def __init__(self) -> None:
        self._listeners: set[Listener] = set()
        self.relay: Relay | None = None

    def listen(self, listener: Listener) -> None:
        self._listeners.add(listener)

    def forget(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    def publish(self, tags: Iterable[str]) -> None:
        """A write committed: tell this process's listeners, and the others' via the relay."""
        frozen = frozenset(tags)
        if not frozen:
            return
        self.deliver(Change(frozen))
        if self.relay is not None:
            self.relay.send(frozen)

    def deliver(self, change: Change) -> None:
        """A change to tell this process's listeners (a relay's, or a local write's)."""
        for listener in list(self._listeners):
            listener(change)
