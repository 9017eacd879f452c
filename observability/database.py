"""What /ready and the pool gauges read of the app's database handle
(`loaders.Database`), named here so that observability imports no domain
package."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine


class DatabaseHandle(Protocol):
    @property
    def engine(self) -> AsyncEngine: ...

    @property
    def read_pools(self) -> Any: ...  # `loaders.database.ReadPools` or None (SQLite)
