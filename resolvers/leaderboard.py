from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from cache import tags
from context import Context
from loaders.leaderboard import count_leaderboard, fetch_leaderboard_page, leaderboard_ordering
from loaders.vehicle import VehicleJoin
from pagination import Page, PageWindow
from resolvers import arguments
from resolvers.driver import prime_vehicles
from resolvers.season import season_pk


async def leaderboard(
    context: Context,
    season_id: str | None,
    metric: str,
    region: str | None,
    window: PageWindow,
    with_vehicle: VehicleJoin = False,
    prime: bool = True,
    driver_columns: tuple[str, ...] | None = None,
    stats_columns: tuple[str, ...] | None = None,
) -> tuple[int | None, Page[Row[Any]] | None]:
    """(season pk, page); (None, None) when no season is named and none is active.
    Joined vehicles go to the vehicle loader when `prime` (the planner reads the rows);
    `driver_columns`, `stats_columns`: the joined drivers' and the season stats' columns
    the rows need (None: all)."""
    region = arguments.text("region", region)
    pk = await season_pk(context, season_id)
    if pk is None:
        return None, None
    context.reads.add(tags.leaderboard(pk))
    # Built here: the ordering (and its cursors) belong to the season found above.
    query = window.query(leaderboard_ordering(pk, metric, region))
    page = await fetch_leaderboard_page(
        context.db, pk, metric, region, query, with_vehicle, driver_columns, stats_columns
    )
    if with_vehicle and prime:
        prime_vehicles(context, page.rows, "driver_id")
    return pk, page


async def leaderboard_count(context: Context, season_pk: int, region: str | None) -> int:
    return await count_leaderboard(context.db, season_pk, region)
