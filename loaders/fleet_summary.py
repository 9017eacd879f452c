"""Fleet-wide aggregates: one statement per source table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, bindparam, case, cast, func, select

from loaders.database import Database
from models import Driver, DriverSeasonStats, RiskLevel, SafetyEventKind, Trip
from models.base import UTCDateTime

drivers = Driver.__table__
stats = DriverSeasonStats.__table__
trips = Trip.__table__

# driver_season_stats column holding each kind's event count.
KIND_COLUMNS = {kind: stats.c[kind.value.lower()] for kind in SafetyEventKind}


@dataclass(frozen=True, slots=True)
class DriverTotals:
    drivers: int
    average_risk_score: float | None
    risk_distribution: list[tuple[RiskLevel, int]]


@dataclass(frozen=True, slots=True)
class SeasonTotals:
    trips: int
    distance_km: float
    events_by_kind: list[tuple[SafetyEventKind, int]]


@dataclass(frozen=True, slots=True)
class DayActivity:
    day: str
    trips: int
    distance_km: float


async def fetch_driver_totals(db: Database) -> DriverTotals:
    by_level = [
        func.coalesce(func.sum(case((drivers.c.risk_level == level.value, 1), else_=0)), 0)
        for level in RiskLevel
    ]
    statement = db.statement(
        "driver_totals", lambda: select(func.count(), func.avg(drivers.c.risk_score), *by_level)
    )
    row: tuple[Any, ...] = tuple((await db.fetch(statement))[0])
    distribution = [(level, int(n)) for level, n in zip(RiskLevel, row[2:], strict=True)]
    average = None if row[1] is None else float(row[1])
    return DriverTotals(int(row[0]), average, distribution)


async def fetch_season_totals(db: Database, season_id: int | None) -> SeasonTotals:
    if season_id is None:
        return SeasonTotals(0, 0.0, [(kind, 0) for kind in SafetyEventKind])
    sums = [func.coalesce(func.sum(column), 0) for column in KIND_COLUMNS.values()]
    statement = db.statement(
        "season_totals",
        lambda: select(
            func.coalesce(func.sum(stats.c.trips), 0),
            func.coalesce(func.sum(stats.c.distance_km), 0.0),
            *sums,
        ).where(stats.c.season_id == bindparam("season_id", type_=Integer)),
    )
    row: tuple[Any, ...] = tuple((await db.fetch(statement, {"season_id": season_id}))[0])
    kinds = [(kind, int(n)) for kind, n in zip(KIND_COLUMNS, row[2:], strict=True)]
    return SeasonTotals(int(row[0]), float(row[1]), kinds)


async def fetch_trip_activity(db: Database, today: date, days: int) -> list[DayActivity]:
    """Trips started on each of the last `days` UTC days up to `today`, zeros included."""
    first = today - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    day: ColumnElement[Any]
    if db.is_postgresql:
        day = cast(func.timezone("UTC", trips.c.started_at), Date)
    else:  # SQLite stores naive UTC text: the date is its first ten characters
        day = func.substr(trips.c.started_at, 1, 10)
    statement = db.statement(
        "trip_activity",
        lambda: (
            select(day.label("day"), func.count(), func.sum(trips.c.distance_km))
            .where(trips.c.started_at >= bindparam("start", type_=UTCDateTime()))
            .group_by(day)
        ),
    )
    rows = await db.fetch(statement, {"start": start})
    found = {str(r[0]): (int(r[1]), float(r[2])) for r in map(tuple, rows)}
    activity = []
    for offset in range(days):
        label = (first + timedelta(days=offset)).isoformat()
        count, distance = found.get(label, (0, 0.0))
        activity.append(DayActivity(label, count, distance))
    return activity
