"""One transaction per write, with unique-constraint races reported as problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from writes.conflicts import conflict_problem
from writes.errors import Rejected


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Commit when the block ends; roll back on any error (a `Rejected` included)."""
    try:
        async with engine.begin() as connection:
            yield connection
    except IntegrityError as exc:
        problem = conflict_problem(exc)
        if problem is None:
            raise
        raise Rejected([problem]) from exc
