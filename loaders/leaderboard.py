"""Leaderboard pages read from the per-season aggregate table (no trip scan).

Order: the metric in its direction, ties by driver id ascending; each row
carries its SQL RANK (ties share a rank), counted through the metric index.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import func, select

from loaders.base import AnyRow
from loaders.database import Database
from loaders.driver_stats import in_region, rank_expression
from loaders.metrics import METRICS
from models import DriverSeasonStats
from pagination import Ordering, Page, PageRequest, apply_page, make_page

stats = DriverSeasonStats.__table__


@cache
def leaderboard_ordering(season_id: int, metric_name: str, region: str | None) -> Ordering:
    metric = METRICS[metric_name]
    return Ordering(
        f"Leaderboard:{season_id}:{metric_name}:{region or ''}",
        (metric.column, stats.c.driver_id),
        ("value", "driver_id"),
        (float, int),
        (metric.higher_first, False),
    )


async def fetch_leaderboard_page(
    db: Database, season_id: int, metric_name: str, region: str | None, request: PageRequest
) -> Page[AnyRow]:
    metric = METRICS[metric_name]
    ordering = leaderboard_ordering(season_id, metric_name, region)
    rank = rank_expression(metric, stats.c.season_id, metric.column, region)
    query: Any = select(stats, metric.column.label("value"), rank.label("rank")).where(
        stats.c.season_id == season_id, *in_region(stats.c.driver_id, region)
    )
    return make_page(await db.fetch(apply_page(query, ordering, request)), ordering, request)


async def count_leaderboard(db: Database, season_id: int, region: str | None) -> int:
    query = (
        select(func.count())
        .select_from(stats)
        .where(stats.c.season_id == season_id, *in_region(stats.c.driver_id, region))
    )
    return int((await db.fetch(query))[0][0])
