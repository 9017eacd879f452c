"""A bounded memory of recently seen keys (a live stream's already-sent events)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class Recent:
    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._seen: OrderedDict[Hashable, None] = OrderedDict()

    def add(self, key: Hashable) -> bool:
        """True when `key` is new; remembered either way (the oldest forgotten)."""
        new = key not in self._seen
        self._seen[key] = None
        self._seen.move_to_end(key)
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return new
