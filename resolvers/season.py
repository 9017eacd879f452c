from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from context import Context
from global_ids import decode_id_of
from loaders.season import count_seasons, fetch_season_page
from pagination import Page, PageQuery
from resolvers.deferred import Deferred, chain, ready


async def season(context: Context, global_id: str) -> Row[Any] | None:
    return await context.loaders.season_by_id.load(decode_id_of(global_id, "Season"))


def season_by_pk(context: Context, pk: int) -> Deferred[Row[Any] | None]:
    return context.loaders.season_by_id.load(pk)


def season_pk(context: Context, global_id: str | None) -> Deferred[int | None]:
    """The season an argument names, or the active season when omitted (None if none)."""
    if global_id is not None:
        return ready(decode_id_of(global_id, "Season"))
    return chain(context.active_season(), lambda row: ready(None if row is None else int(row.id)))


async def active_season(context: Context) -> Row[Any] | None:
    return await context.active_season()


async def seasons(context: Context, query: PageQuery) -> Page[Row[Any]]:
    return await fetch_season_page(context.db, query)


async def seasons_count(context: Context) -> int:
    return await count_seasons(context.db)
