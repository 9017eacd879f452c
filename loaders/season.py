"""Seasons: by id, the active one, and the `seasons` page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database
from loaders.orderings import SEASON_ORDERING
from models import Season
from pagination import Page, PageRequest, apply_page, make_page

seasons = Season.__table__


class SeasonByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        rows = await self.db.fetch(select(seasons).where(self.db.match_ids(seasons.c.id, ids)))
        return one_by_key(rows, ids, lambda row: row.id)


async def fetch_active_season(db: Database, now: datetime) -> AnyRow | None:
    """The season whose [starts_at, ends_at) holds `now` (latest start wins an overlap)."""
    query = (
        select(seasons)
        .where(seasons.c.starts_at <= now, seasons.c.ends_at > now)
        .order_by(seasons.c.starts_at.desc(), seasons.c.id.desc())
        .limit(1)
    )
    rows = await db.fetch(query)
    return rows[0] if rows else None


async def fetch_season_page(db: Database, request: PageRequest) -> Page[AnyRow]:
    rows = await db.fetch(apply_page(select(seasons), SEASON_ORDERING, request))
    return make_page(rows, SEASON_ORDERING, request)


async def count_seasons(db: Database) -> int:
    return int((await db.fetch(select(func.count()).select_from(seasons)))[0][0])
