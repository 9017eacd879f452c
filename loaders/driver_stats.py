"""Per-season driver aggregates and ranks, batched across drivers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import group_keys, one_by_key
from loaders.metrics import METRICS, Metric
from models import Driver, DriverSeasonStats

stats = DriverSeasonStats.__table__
drivers = Driver.__table__

StatsKey = tuple[int, int]  # (driver id, season id)
RankKey = tuple[int, tuple[int, str]]  # (driver id, (season id, metric name))


class StatsByDriverSeasonLoader(Loader[StatsKey, AnyRow | None]):
    """None when the driver has no trip in the season."""

    async def batch_load_fn(self, keys: Sequence[StatsKey]) -> list[AnyRow | None]:
        found: dict[StatsKey, AnyRow] = {}
        by_season: dict[int, list[int]] = {}
        for driver_id, season_id in keys:
            by_season.setdefault(season_id, []).append(driver_id)
        for season_id, driver_ids in by_season.items():
            query = select(stats).where(
                stats.c.season_id == season_id, self.db.match_ids(stats.c.driver_id, driver_ids)
            )
            for row in await self.db.fetch(query):
                found[(row.driver_id, season_id)] = row
        return [found.get(key) for key in keys]


def better_than(metric: Metric, value: ColumnElement[float]) -> ColumnElement[bool]:
    return metric.column > value if metric.higher_first else metric.column < value


def in_region(driver_id: ColumnElement[int], region: str | None) -> list[ColumnElement[bool]]:
    if region is None:
        return []
    return [driver_id.in_(select(drivers.c.id).where(drivers.c.region == region))]


def rank_expression(
    metric: Metric,
    season_id: ColumnElement[int],
    value: ColumnElement[float],
    region: str | None = None,
) -> ColumnElement[int]:
    """SQL RANK of `value`: 1 + the number of rows strictly better (an index count).

    With a region, the rank is within that region's leaderboard.
    """
    ahead = stats.alias("ahead")
    better = better_than(_on(metric, ahead), value)
    count = (
        select(func.count())
        .select_from(ahead)
        .where(ahead.c.season_id == season_id, better, *in_region(ahead.c.driver_id, region))
        .scalar_subquery()
    )
    return count + 1


def _on(metric: Metric, table: object) -> Metric:
    column = table.c[metric.column.key]  # type: ignore[attr-defined]
    return Metric(metric.name, column, metric.higher_first)


class RankByDriverLoader(Loader[RankKey, int | None]):
    async def batch_load_fn(self, keys: Sequence[RankKey]) -> list[int | None]:
        ranks: dict[RankKey, int] = {}
        for (season_id, metric_name), driver_ids in group_keys(keys).items():
            metric = METRICS[metric_name]
            rank = rank_expression(metric, stats.c.season_id, metric.column).label("rank")
            query = select(stats.c.driver_id, rank).where(
                stats.c.season_id == season_id, self.db.match_ids(stats.c.driver_id, driver_ids)
            )
            rows = await self.db.fetch(query)
            for row in one_by_key(rows, driver_ids, lambda r: r.driver_id):
                if row is not None:
                    ranks[(row.driver_id, (season_id, metric_name))] = int(row.rank)
        return [ranks.get(key) for key in keys]
