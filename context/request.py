"""The typed per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from auth.tokens import ANONYMOUS, Viewer
from loaders import Database, Loaders
from loaders.season import fetch_active_season
from loaders.season_calendar import SeasonCalendar

T = TypeVar("T")

if TYPE_CHECKING:
    from sqlalchemy import Row

    from prepared import DocumentCache


@dataclass
class Context:
    loaders: Loaders
    now: datetime
    calendar: SeasonCalendar | None = None
    viewer: Viewer = ANONYMOUS
    request: Any = None
    response: Any = None
    # The app's parse/validate cache (its limits policy); None: the process default.
    documents: DocumentCache | None = None
    # Cache tags (cache/tags.py) of what this request's mutations wrote: the
    # response cache invalidates them before the response is sent.
    invalidates: set[str] = field(default_factory=set)
    # How that invalidation went: "ok", "failed" (the response says so in
    # `extensions.cache.invalidation`), None before any.
    invalidation: str | None = None
    # Cache tags of what this request read that only execution reveals (the season
    # a leaderboard or rank was computed for): its cached response carries them too.
    reads: set[str] = field(default_factory=set)
    _memo: dict[Hashable, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    @property
    def db(self) -> Database:
        return self.loaders.db

    def close(self) -> None:
        """Drop the request's caches once the response is out.

        Loader caches and memoized futures hold callbacks that point back at
        the request, i.e. reference cycles: without this, every response's
        rows wait for the cyclic garbage collector instead of being freed at
        once. The request and response go too: the request's scope holds
        this context, so keeping them is a cycle that strands every request's
        objects until a (long) collection of the youngest generation.
        """
        self._memo.clear()
        self.loaders.close()
        self.request = None
        self.response = None

    def once(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        """Run `fetch` at most once per request; every caller awaits the same result."""
        future = self._memo.get(key)
        if future is None:
            future = self._memo[key] = asyncio.ensure_future(fetch())
        return future

    def active_season(self) -> asyncio.Future[Row[Any] | None]:
        """The season active at request time (also primed into the by-id loader)."""

        def found(row: Row[Any] | None) -> Row[Any] | None:
            if row is not None:
                self.loaders.season_by_id.prime(row.id, row)
            return row

        async def fetch() -> Row[Any] | None:
            if self.calendar is not None:
                return found(await self.calendar.active(self.now))
            return found(await fetch_active_season(self.db, self.now))

        if self.calendar is not None and "active_season" not in self._memo:
            known, row = self.calendar.known_active(self.now)
            if known:  # the usual case: no task for a value already at hand
                done: asyncio.Future[Row[Any] | None] = asyncio.get_running_loop().create_future()
                done.set_result(found(row))
                self._memo["active_season"] = done
        return self.once("active_season", fetch)
