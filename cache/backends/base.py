"""What a response-cache backend does; both backends keep the same semantics.

Invalidation is ordered by a sequence number. A miss reads `sequence()`
before it executes; `put(..., since=)` refuses the entry when any of its
tags was invalidated after that, so a response computed from data a write
has since replaced is never stored. Invalidations are remembered for
`INVALIDATION_WINDOW` seconds; a computation that took longer is not stored.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from cache.entry import Entry

INVALIDATION_WINDOW = 60.0


@dataclass(frozen=True, slots=True)
class Size:
    entries: int
    bytes: int


class Backend(Protocol):
    name: str

    def peek(self, key: str) -> Entry | None:
        """The entry if this process holds it, without I/O (None: ask `get`)."""
        ...

    async def get(self, key: str) -> Entry | None: ...

    async def sequence(self) -> int: ...

    async def put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, wal: int | None = None
    ) -> bool:
        """Store unless refused (see above); `wal` set: the answer was read from a
        replica at that WAL position, and is refused if any of its tags was
        invalidated at a later position of the primary (read replicas, decision 0034d)."""
        ...

    async def invalidate(self, tags: Collection[str], wal: int = 0) -> int:
        """Drop the entries carrying any of `tags`; how many were dropped. `wal`: the
        primary's WAL position after the write (0: unknown or no replicas)."""
        ...

    async def invalidate_all(self) -> int:
        """Drop every entry, and refuse every computation that started before."""
        ...

    async def tags_under(self, prefix: str) -> list[str]:
        """The tags starting with `prefix` that some entry carries now."""
        ...

    async def usage(self) -> Size:
        """How many entries there are, and the bytes they hold."""
        ...

    async def lock(self, key: str, seconds: float) -> bool:
        """Single flight across processes: True for the one that should compute."""
        ...

    async def unlock(self, key: str) -> None: ...

    async def close(self) -> None: ...
