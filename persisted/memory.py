"""The in-process backend: a bounded LRU for registrations, pinned manifest documents."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping


class InProcessStore:
    """Per-process store for the embedded default (no REDIS_URL).

    Registrations (`put`) live in an LRU of at most `max_entries`; documents
    from a manifest (`load`) are pinned, since trusted mode must never forget
    an allowed document.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._recent: OrderedDict[str, str] = OrderedDict()
        self._pinned: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._recent) + len(self._pinned)

    async def get(self, key: str) -> str | None:
        pinned = self._pinned.get(key)
        if pinned is not None:
            return pinned
        document = self._recent.get(key)
        if document is not None:
            self._recent.move_to_end(key)
        return document

    async def put(self, key: str, document: str) -> None:
        if key in self._pinned:
            return
        self._recent[key] = document
        self._recent.move_to_end(key)
        while len(self._recent) > self.max_entries:
            self._recent.popitem(last=False)

    async def load(self, documents: Mapping[str, str]) -> None:
        for key in documents:
            self._recent.pop(key, None)
        self._pinned.update(documents)

    async def close(self) -> None:
        return None
