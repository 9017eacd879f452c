"""What the router needs of a server's read pools (loaders/read_pool.py's `ReadPools`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Fetcher(Protocol):
    async def fetch(
        self, sql: str, arguments: Sequence[Any] = (), record_class: Any = None
    ) -> list[Any]: ...


class Pools(Protocol):
    @property
    def generic(self) -> Fetcher: ...

    @property
    def custom(self) -> Fetcher: ...

    async def close(self) -> None: ...
