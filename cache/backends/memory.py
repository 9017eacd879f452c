"""The in-process backend: an LRU bounded by the bytes of the bodies it holds.

The embedded default (one process, no REDIS_URL). It answers for this
process only: with several workers and no Redis, a write in one would not
invalidate the others, which is why production sets REDIS_URL.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Collection

from cache.backends.base import INVALIDATION_WINDOW, Size
from cache.entry import Entry

_OVERHEAD = 512  # bytes per entry beyond its body: key, header, tag index


class MemoryBackend:
    name = "memory"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[Entry, frozenset[str]]] = OrderedDict()
        self._keys_by_tag: dict[str, set[str]] = {}
        self._sequence = 0
        self._invalidated: dict[str, int] = {}  # tag -> sequence of its last invalidation
        self._wal: dict[str, int] = {}  # tag -> primary WAL position of its last invalidation
        self._recent: deque[tuple[float, str, int]] = deque()
        self._cleared = 0  # sequence of the last `invalidate_all`

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> Entry | None:
        return self.peek(key)

    def peek(self, key: str) -> Entry | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if found[0].expires_at <= time.time():
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return found[0]

    async def sequence(self) -> int:
        return self._sequence

    async def put(
        self, key: str, entry: Entry, tags: Collection[str], since: int, wal: int | None = None
    ) -> bool:
        self._forget_old()
        if self._cleared > since:
            return False
        if any(self._invalidated.get(tag, 0) > since for tag in tags):
            return False
        if wal is not None and any(self._wal.get(tag, 0) > wal for tag in tags):
            return False  # read from a replica that had not replayed a write of a tag
        cost = entry.held_bytes() + _OVERHEAD
        if cost > self.max_bytes:
            return False
        self._remove(key)
        self._entries[key] = (entry, frozenset(tags))
        self.size += cost
        for tag in tags:
            self._keys_by_tag.setdefault(tag, set()).add(key)
        while self.size > self.max_bytes:
            self._remove(next(iter(self._entries)))
        return True

    async def invalidate(self, tags: Collection[str], wal: int = 0) -> int:
        self._sequence += 1
        now = time.monotonic()
        before = len(self._entries)
        for tag in tags:
            self._invalidated[tag] = self._sequence
            if wal > self._wal.get(tag, 0):
                self._wal[tag] = wal
            self._recent.append((now, tag, self._sequence))
            for key in self._keys_by_tag.pop(tag, ()):
                self._remove(key)
        return before - len(self._entries)

    async def invalidate_all(self) -> int:
        self._sequence += 1
        self._cleared = self._sequence
        dropped = len(self._entries)
        self._entries.clear()
        self._keys_by_tag.clear()
        self.size = 0
        return dropped

    async def tags_under(self, prefix: str) -> list[str]:
        return [tag for tag in self._keys_by_tag if tag.startswith(prefix)]

    async def usage(self) -> Size:
        return Size(len(self._entries), self.size)

    async def lock(self, key: str, seconds: float) -> bool:
        return True  # one process: the shared future in cache.service is the single flight

    async def unlock(self, key: str) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()
        self._keys_by_tag.clear()
        self.size = 0

    def _remove(self, key: str) -> None:
        found = self._entries.pop(key, None)
        if found is None:
            return
        entry, tags = found
        self.size -= entry.held_bytes() + _OVERHEAD
        for tag in tags:
            keys = self._keys_by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys_by_tag[tag]

    def _forget_old(self) -> None:
        horizon = time.monotonic() - INVALIDATION_WINDOW
        while self._recent and self._recent[0][0] < horizon:
            _, tag, sequence = self._recent.popleft()
            if self._invalidated.get(tag) == sequence:
                del self._invalidated[tag]
                self._wal.pop(tag, None)
