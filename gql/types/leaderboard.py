from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy import Row

from cache import cache_control
from cache.tags import LEADERBOARD
from context import Context
from errors import NotFound
from gql.prefetch.marks import loads
from gql.types.driver import Driver
from gql.types.enums import LeaderboardMetric
from gql.types.node import PageInfo
from gql.types.row_fields import RowMapped, column, column_plans, from_row, row_type
from gql.types.season import Season
from gql.types.stats import DriverStats
from loaders.driver import joined_driver, joined_driver_and_vehicle
from pagination import Page
from planner.connections import connection_plans
from planner.fields import Arguments, Attribute, Batched, Computed, FieldPlans
from resolvers import batches
from resolvers import leaderboard as resolve
from resolvers import season as resolve_season
from resolvers.deferred import then


def _driver_of(row: Row[Any]) -> Driver:
    return Driver.of(joined_driver(row))


@row_type
@strawberry.type
class LeaderboardEntry(RowMapped):
    """Built whole from one leaderboard row: its driver is joined in (no load)."""

    rank: int = column(
        description=(
            "1-based; ties share a rank (SQL RANK semantics), ties broken by driver id for order."
        )
    )
    driver: Driver = from_row(_driver_of)
    value: float = column(description="The metric's value for this driver.")
    stats: DriverStats = from_row(DriverStats.of)


@strawberry.type
class LeaderboardEdge:
    cursor: str
    node: LeaderboardEntry


# Short: every recorded trip moves the ranks (and invalidates them, see cache/tags.py).
@cache_control(max_age=10, tags=[LEADERBOARD])
@strawberry.type
class LeaderboardConnection:
    """Empty (and `season` resolving to an error) only when no season exists to rank."""

    page: strawberry.Private[Page[Row[Any]] | None]
    season_pk: strawberry.Private[int | None]
    region: strawberry.Private[str | None]
    metric: LeaderboardMetric

    @strawberry.field
    def edges(self) -> list[LeaderboardEdge]:
        page = self.page
        if page is None:
            return []
        return [
            LeaderboardEdge(cursor=page.cursor(r), node=LeaderboardEntry.of(r)) for r in page.rows
        ]

    @strawberry.field
    def nodes(self) -> list[LeaderboardEntry]:
        # Built once: the warm-up (gql/prefetch) and the real walk share the entries.
        built: list[LeaderboardEntry] | None = self.__dict__.get("_entries")
        if built is None:
            rows = [] if self.page is None else self.page.rows
            built = self.__dict__["_entries"] = [LeaderboardEntry.of(r) for r in rows]
        return built

    @strawberry.field
    def page_info(self) -> PageInfo:
        if self.page is None:
            return PageInfo(
                has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
            )
        return PageInfo.of(self.page)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        if self.season_pk is None:
            return 0
        return await resolve.leaderboard_count(info.context, self.season_pk, self.region)

    @strawberry.field
    @loads
    def season(self, info: strawberry.Info[Context, None]) -> Season:
        if self.season_pk is None:
            raise NotFound("no season is active; pass seasonId")
        return then(resolve_season.season_by_pk(info.context, self.season_pk), _known_season)


def _known_season(row: Row[Any] | None) -> Season:
    if row is None:
        raise NotFound("season not found")
    return Season.of(row)


# -- planned executor (planner/)


@dataclass(frozen=True, slots=True)
class PlannedLeaderboard:
    """The planner's value of a `LeaderboardConnection`."""

    page: Page[Row[Any]] | None
    season_pk: int | None
    region: str | None
    metric: LeaderboardMetric
    season: Row[Any] | None = None  # the active season's row, when it was the one ranked


async def _count(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    count = resolve.leaderboard_count
    return [
        0 if v.season_pk is None else await count(context, v.season_pk, v.region) for v in values
    ]


async def _seasons(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    pks = [v.season_pk for v in values if v.season_pk is not None and v.season is None]
    found = iter(await batches.seasons(context, pks) if pks else [])
    return [
        v.season if v.season is not None else None if v.season_pk is None else next(found)
        for v in values
    ]


def _known_seasons(args: Arguments, values: Sequence[Any], _: Any) -> Any:
    if all(v.season is not None or v.season_pk is None for v in values):
        return [v.season for v in values]
    return None


LEADERBOARD_CONNECTION_PLANS: FieldPlans = connection_plans(
    Batched(_count), season=Batched(_seasons, now=_known_seasons), metric=Attribute("metric")
)

LEADERBOARD_ENTRY_PLANS: FieldPlans = {
    **column_plans(LeaderboardEntry),
    "driver": Computed(joined_driver_and_vehicle),
    "stats": Computed(lambda row: row),
}
