"""Leaderboard pages read from the per-season aggregate table (no trip scan).

Order: the metric in its direction, ties by driver id ascending; each row
carries its SQL RANK (ties share a rank): one window over the rows at least as
good as the page's worst, read in the metric index's order, rather than a
count of the rows ahead per row (decision 0018).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, select

from bounded import BoundedLRU, budget, client_bytes
from loaders.base import AnyRow
from loaders.database import Database
from loaders.driver import drivers, joined_driver_columns
from loaders.driver_stats import SEASON, in_region
from loaders.metrics import METRICS, Metric
from loaders.vehicle import VehicleJoin, join_vehicle
from models import DriverSeasonStats
from pagination import Ordering, Page, PageQuery
from pagination.keyset import order_columns

stats = DriverSeasonStats.__table__


# Orderings remembered per (season, metric, region): season id and region come from
# clients, so the table is bounded in entries and bytes, and an ordering for a region
# longer than any real one is built every time rather than kept.
MAX_REMEMBERED_REGION = 64
_orderings: BoundedLRU[tuple[int, str, str | None], Ordering] = BoundedLRU(
    1024, budget.LEADERBOARD_ORDERINGS
)


def leaderboard_ordering(season_id: int, metric_name: str, region: str | None) -> Ordering:
    """The ordering; its cursor tag names season, metric and region, so a cursor
    from another leaderboard is refused."""
    key = (season_id, metric_name, region)
    found = _orderings.get(key)
    if found is None:
        found = _ordering(season_id, metric_name, region)
        if region is None or len(region) <= MAX_REMEMBERED_REGION:
            _orderings.put(key, found, client_bytes(key) * 2)  # the key, and its tag
    return found


def _ordering(season_id: int, metric_name: str, region: str | None) -> Ordering:
    metric = METRICS[metric_name]
    return Ordering(
        f"Leaderboard:{season_id}:{metric_name}:{region or ''}",
        (metric.column, stats.c.driver_id),
        ("value", "driver_id"),
        (float, int),
        (metric.higher_first, False),
    )


def _page_query(
    metric_name: str,
    by_region: bool,
    with_vehicle: VehicleJoin,
    page_query: PageQuery,
    driver_columns: tuple[str, ...] | None,
    stats_columns: tuple[str, ...] | None,
) -> Select[Any]:
    metric = METRICS[metric_name]
    # The entry's driver comes in the same statement (a to-one join), so
    # `driver { ... }` needs no second round trip.
    query = (
        select(
            *(stats.c if stats_columns is None else [stats.c[name] for name in stats_columns]),
            metric.column.label("value"),
            *joined_driver_columns(driver_columns),
        )
        .join(drivers, drivers.c.id == stats.c.driver_id)
        .where(stats.c.season_id == SEASON, *in_region(stats.c.driver_id, by_region))
    )
    if with_vehicle:
        query = join_vehicle(query, stats.c.driver_id, with_vehicle)
    page = page_query.apply(query).cte("page")
    ranks = _ranks(metric, by_region, page.c.value)
    keys = (page.c.value, page.c.driver_id)
    return (
        select(*page.c, ranks.c.rank)
        .join_from(page, ranks, ranks.c.driver_id == page.c.driver_id)
        .order_by(*order_columns(keys, page_query.ordering.directions, page_query.request.backward))
    )


def _ranks(metric: Metric, by_region: bool, page_values: ColumnElement[Any]) -> Subquery:
    """(driver_id, rank) of every row at least as good as the page's worst.

    Every row strictly better than a page row is among them, so RANK() over
    them is each page row's rank in the whole leaderboard (or region).
    """
    column = metric.column
    worst = func.min if metric.higher_first else func.max
    order = column.desc() if metric.higher_first else column.asc()
    bound = select(worst(page_values)).scalar_subquery()
    at_least = column >= bound if metric.higher_first else column <= bound
    return (
        select(stats.c.driver_id, func.rank().over(order_by=order).label("rank"))
        .where(stats.c.season_id == SEASON, at_least, *in_region(stats.c.driver_id, by_region))
        .subquery("ranked")
    )


async def fetch_leaderboard_page(
    db: Database,
    season_id: int,
    metric_name: str,
    region: str | None,
    page: PageQuery,
    with_vehicle: VehicleJoin = False,
    driver_columns: tuple[str, ...] | None = None,
    stats_columns: tuple[str, ...] | None = None,
) -> Page[AnyRow]:
    """A leaderboard page (`page.ordering`: `leaderboard_ordering(season_id, metric_name,
    region)`), its drivers joined in (all their columns, or those named);
    `stats_columns`: only these season-stats columns (must hold `driver_id`), else all."""
    by_region = region is not None
    # The ordering's tag differs per season/region but its SQL does not.
    statement = db.statement(
        (
            "leaderboard",
            metric_name,
            by_region,
            with_vehicle,
            page.request.shape,
            driver_columns,
            stats_columns,
        ),
        lambda: _page_query(
            metric_name, by_region, with_vehicle, page, driver_columns, stats_columns
        ),
    )
    params: dict[str, Any] = {"season_id": season_id, **page.params()}
    if by_region:
        params["region"] = region
    return page.page(await db.fetch(statement, params))


async def count_leaderboard(db: Database, season_id: int, region: str | None) -> int:
    by_region = region is not None
    statement = db.statement(
        ("leaderboard_count", by_region),
        lambda: (
            select(func.count())
            .select_from(stats)
            .where(stats.c.season_id == SEASON, *in_region(stats.c.driver_id, by_region))
        ),
    )
    params: dict[str, Any] = {"season_id": season_id}
    if by_region:
        params["region"] = region
    return int((await db.fetch(statement, params))[0][0])
