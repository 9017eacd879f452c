"""Where committed writes are announced: the tags they invalidate, for live queries."""

from __future__ import annotations

from typing import Protocol


class ChangeSink(Protocol):
    def publish(self, tags: frozenset[str]) -> None:
        """Called once per request that wrote, after the writes committed; must not block."""
        ...
