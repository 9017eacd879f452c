"""The in-process backend: a bounded LRU for registrations, pinned manifest documents."""

from __future__ import annotations

from collections.abc import Mapping

from bounded import BoundedLRU, budget

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = budget.PERSISTED


class InProcessStore:
    """Per-process store for the embedded default (no REDIS_URL).

    Registrations (`put`) live in an LRU of at most `max_entries` documents
    weighing at most `max_bytes` (texts and keys); documents from a manifest
    (`load`) are pinned outside it, since trusted mode must never forget an
    allowed document.
    """

    def __init__(
        self, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("max_entries and max_bytes must be at least 1")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._recent: BoundedLRU[str, str] = BoundedLRU(max_entries, max_bytes)
        self._pinned: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._recent) + len(self._pinned)

    @property
    def bytes(self) -> int:
        """What the registrations weigh in all (manifest documents not counted)."""
        return self._recent.bytes

    async def get(self, key: str) -> str | None:
        pinned = self._pinned.get(key)
        if pinned is not None:
            return pinned
        return self._recent.get(key)

    async def put(self, key: str, document: str) -> None:
        if key in self._pinned:
            return
        self._recent.put(key, document)

    async def load(self, documents: Mapping[str, str]) -> None:
        for key in documents:
            self._recent.pop(key)
        self._pinned.update(documents)

    async def close(self) -> None:
        return None
