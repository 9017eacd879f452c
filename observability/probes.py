"""What /metrics and /ready need from the database, as a protocol.

Observability is used by every other package and uses none of them: the app
hands the database in (loaders.Database satisfies this), so no import points up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PoolCounts:
    """One connection pool's connections: open, and checked out."""

    name: str  # "reads" or "writes"
    size: int
    in_use: int


class DatabaseProbe(Protocol):
    def pool_counts(self) -> list[PoolCounts]:
        """This process's pools (counts only: cheap enough for every scrape)."""
        ...

    async def ping(self) -> None:
        """Run `SELECT 1` on the pool reads use; raise when it cannot."""
        ...
