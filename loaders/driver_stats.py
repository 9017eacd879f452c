"""Per-season driver aggregates and ranks, batched across drivers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.metrics import METRICS, Metric
from models import Driver, DriverSeasonStats

stats = DriverSeasonStats.__table__
drivers = Driver.__table__

StatsKey = tuple[int, int]  # (driver id, season id)
RankKey = tuple[int, tuple[int, str]]  # (driver id, (season id, metric name))

SEASON = bindparam("season_id", type_=Integer)
REGION = bindparam("region", type_=String)


class StatsByDriverSeasonLoader(Loader[StatsKey, AnyRow | None]):
    """None when the driver has no trip in the season."""

    async def batch_load_fn(self, keys: Sequence[StatsKey]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__,
            lambda: select(stats).where(
                stats.c.season_id == SEASON, db.match_ids(stats.c.driver_id)
            ),
        )
        found: dict[StatsKey, AnyRow] = {}
        by_season: dict[int, list[int]] = {}
        for driver_id, season_id in keys:
            by_season.setdefault(season_id, []).append(driver_id)
        for season_id, driver_ids in by_season.items():
            rows = await db.fetch(statement, {"season_id": season_id, "ids": driver_ids})
            found.update({(row.driver_id, season_id): row for row in rows})
        return [found.get(key) for key in keys]


def in_region(driver_id: ColumnElement[int], by_region: bool) -> list[ColumnElement[bool]]:
    """Restrict to drivers of the `region` bind parameter, when filtering by region."""
    if not by_region:
        return []
    return [driver_id.in_(select(drivers.c.id).where(drivers.c.region == REGION))]


def rank_expression(metric: Metric, value: ColumnElement[Any], by_region: bool) -> Any:
    """SQL RANK of `value` in the season: 1 + the rows strictly better (an index count).

    With a region, the rank is within that region's leaderboard.
    """
    ahead = stats.alias("ahead")
    column = ahead.c[str(metric.column.key)]
    better = column > value if metric.higher_first else column < value
    count = (
        select(func.count())
        .select_from(ahead)
        .where(ahead.c.season_id == SEASON, better, *in_region(ahead.c.driver_id, by_region))
        .scalar_subquery()
    )
    return count + 1


class RankByDriverLoader(Loader[RankKey, int | None]):
    async def batch_load_fn(self, keys: Sequence[RankKey]) -> list[int | None]:
        db = self.db
        ranks: dict[RankKey, int] = {}
        for (season_id, metric_name), driver_ids in group_keys(keys).items():
            metric = METRICS[metric_name]
            statement = db.statement(
                (type(self).__name__, metric_name),
                lambda metric=metric: select(  # type: ignore[misc]
                    stats.c.driver_id,
                    rank_expression(metric, metric.column, by_region=False).label("rank"),
                ).where(stats.c.season_id == SEASON, db.match_ids(stats.c.driver_id)),
            )
            rows = await db.fetch(statement, {"season_id": season_id, "ids": driver_ids})
            for row in one_by_key(rows, driver_ids, lambda r: r.driver_id):
                if row is not None:
                    ranks[(row.driver_id, (season_id, metric_name))] = int(row.rank)
        return [ranks.get(key) for key in keys]
