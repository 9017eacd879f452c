"""Seasons: by id, the active one, and the `seasons` page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database
from models import Season
from models.base import UTCDateTime
from pagination import Page, PageQuery

seasons = Season.__table__


class SeasonByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select(seasons).where(db.match_ids(seasons.c.id))
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


async def fetch_active_season(db: Database, now: datetime) -> AnyRow | None:
    """The season whose [starts_at, ends_at) holds `now` (latest start wins an overlap)."""
    at = bindparam("now", type_=UTCDateTime())
    statement = db.statement(
        "active_season",
        lambda: (
            select(seasons)
            .where(seasons.c.starts_at <= at, seasons.c.ends_at > at)
            .order_by(seasons.c.starts_at.desc(), seasons.c.id.desc())
            .limit(1)
        ),
    )
    rows = await db.fetch(statement, {"now": now})
    return rows[0] if rows else None


async def fetch_season_page(db: Database, page: PageQuery) -> Page[AnyRow]:
    """A page of seasons (`page.ordering`: SEASON_ORDERING)."""
    statement = db.statement(("season_page", page.shape), lambda: page.apply(select(seasons)))
    return page.page(await db.fetch(statement, page.params()))


async def count_seasons(db: Database) -> int:
    statement = db.statement("season_count", lambda: select(func.count()).select_from(seasons))
    return int((await db.fetch(statement))[0][0])
