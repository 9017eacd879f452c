"""The process's groups of live subscribers, by key, and the bus that feeds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from live import metrics
from live.bus import ChangeBus
from live.group import Group
from live.subscriber import Subscriber

Key = tuple[Any, ...]


class Groups:
    def __init__(self, bus: ChangeBus) -> None:
        self.bus = bus
        self._groups: dict[Key, Group] = {}

    def __len__(self) -> int:
        return len(self._groups)

    def join(self, key: Key, subscriber: Subscriber, new: Callable[[], Group]) -> Group:
        group = self._groups.get(key)
        if group is None or group.done:
            if group is not None:
                self._drop(group)
            group = self._groups[key] = new()
            self.bus.listen(group.feed.push)
            metrics.GROUPS.set(len(self._groups))
        group.join(subscriber)
        metrics.SUBSCRIPTIONS.inc()
        return group

    def leave(self, group: Group, subscriber: Subscriber) -> None:
        metrics.SUBSCRIPTIONS.dec()
        if group.leave(subscriber) and self._groups.get(group.key) is group:
            self._drop(group)

    def _drop(self, group: Group) -> None:
        self.bus.forget(group.feed.push)
        self._groups.pop(group.key, None)
        metrics.GROUPS.set(len(self._groups))

    def all(self) -> list[Group]:
        return list(self._groups.values())
