"""The seasons, as reference data cached per process.

Nearly every leaderboard, stats or rank read needs "the season active now";
seasons change only when an operator seeds or edits them, never through the
API. So each process reads the whole (tiny) seasons table at most once per
`ttl` seconds and picks the active one for each request's own `now`. A ttl
of 0 reads it on every request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from loaders.database import Database
from models import Season

seasons = Season.__table__


class SeasonCalendar:
    def __init__(self, db: Database, ttl: float) -> None:
        self.db = db
        self.ttl = ttl
        self._rows: Sequence[Any] = ()
        self._expires = 0.0
        self._refresh: asyncio.Future[Sequence[Any]] | None = None

    async def active(self, now: datetime) -> Any | None:
        """The season whose [starts_at, ends_at) holds `now` (latest start wins an overlap)."""
        return _active(await self.rows(), now)

    def known_active(self, now: datetime) -> tuple[bool, Any | None]:
        """(True, `active(now)`) while the cached rows are fresh, without awaiting;
        (False, None) when they must be read."""
        if time.monotonic() < self._expires:
            return True, _active(self._rows, now)
        return False, None

    async def rows(self) -> Sequence[Any]:
        if time.monotonic() < self._expires:
            return self._rows
        if self._refresh is None:  # one read however many requests ask at once
            self._refresh = asyncio.ensure_future(self._read())
        try:
            return await asyncio.shield(self._refresh)
        finally:
            if self._refresh is not None and self._refresh.done():
                self._refresh = None

    async def _read(self) -> Sequence[Any]:
        statement = self.db.statement("season_calendar", lambda: select(seasons))
        rows = await self.db.fetch(statement)
        self._rows, self._expires = rows, time.monotonic() + self.ttl
        return rows


def _active(rows: Sequence[Any], now: datetime) -> Any | None:
    holding = [row for row in rows if row.starts_at <= now < row.ends_at]
    return max(holding, key=lambda row: (row.starts_at, row.id), default=None)
