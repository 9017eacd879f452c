"""Seasons: by id, the active one, and the `seasons` page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database
from loaders.orderings import SEASON_ORDERING
from models import Season
from models.base import UTCDateTime
from pagination import Page, PageRequest, apply_page, make_page, page_params

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


async def fetch_season_page(db: Database, request: PageRequest) -> Page[AnyRow]:
    statement = db.statement(
        ("season_page", request.shape),
        lambda: apply_page(select(seasons), SEASON_ORDERING, request),
    )
    rows = await db.fetch(statement, page_params(SEASON_ORDERING, request))
    return make_page(rows, SEASON_ORDERING, request)


async def count_seasons(db: Database) -> int:
    statement = db.statement("season_count", lambda: select(func.count()).select_from(seasons))
    return int((await db.fetch(statement))[0][0])
