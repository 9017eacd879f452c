"""What every persisted-document backend offers: look up, register, load a manifest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class StoreUnavailable(Exception):
    """The backend did not answer in time (Redis down or slow)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"StoreUnavailable({self.reason!r})"


class DocumentStore(Protocol):
    """GraphQL document texts by key. Every method may raise `StoreUnavailable`."""

    async def get(self, key: str) -> str | None:
        """The document stored under `key`, or None."""
        ...

    async def put(self, key: str, document: str) -> None:
        """Register one document (an APQ registration); may be evicted or expire."""
        ...

    async def load(self, documents: Mapping[str, str]) -> None:
        """Register documents from a manifest: never evicted, never expire."""
        ...

    async def close(self) -> None: ...
