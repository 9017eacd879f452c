from __future__ import annotations

from context import Context
from errors import InvalidArgument
from loaders.fleet_summary import (
    DayActivity,
    DriverTotals,
    SeasonTotals,
    fetch_driver_totals,
    fetch_season_totals,
    fetch_trip_activity,
)

MAX_ACTIVITY_DAYS = 366


async def driver_totals(context: Context) -> DriverTotals:
    return await context.once("driver_totals", lambda: fetch_driver_totals(context.db))


async def season_totals(context: Context, season_pk: int | None) -> SeasonTotals:
    return await context.once(
        ("season_totals", season_pk), lambda: fetch_season_totals(context.db, season_pk)
    )


async def trip_activity(context: Context, days: int) -> list[DayActivity]:
    if not 1 <= days <= MAX_ACTIVITY_DAYS:
        raise InvalidArgument(f"`days` must be between 1 and {MAX_ACTIVITY_DAYS} (got {days})")
    return await fetch_trip_activity(context.db, context.now.date(), days)
