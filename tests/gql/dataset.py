"""The seeded rows, read with plain selects, and the answers computed from them in Python.

Nothing here goes through `loaders/` or `pagination/`: expectations are
derived independently of the code under test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import FromClause, select
from sqlalchemy.ext.asyncio import create_async_engine

from models import (
    Driver,
    DriverSeasonStats,
    RiskLevel,
    RiskScore,
    SafetyEvent,
    SafetyEventKind,
    Season,
    Trip,
    Vehicle,
)

Row = dict[str, Any]

# Metric → (driver_season_stats column, higher first).
METRICS: dict[str, tuple[str, bool]] = {
    "SAFETY_SCORE": ("safety_score", True),
    "DISTANCE": ("distance_km", True),
    "TRIPS": ("trips", True),
    "EVENTS_PER_100KM": ("events_per_100km", False),
}
TRIP_ORDER_KEYS: dict[str, Callable[[Row], Any]] = {
    "STARTED_AT": lambda t: t["started_at"],
    "DISTANCE": lambda t: t["distance_km"],
    "SAFETY_SCORE": lambda t: t["safety_score"],
}


@dataclass(frozen=True)
class LeaderboardRow:
    driver_id: int
    value: float
    rank: int
    stats: Row


def keyset_sorted(
    rows: Iterable[Row], key: Callable[[Row], Any], *, descending: bool, id_key: str = "id"
) -> list[Row]:
    """By `key`, ties by id, both in the same direction (the API's keyset orders)."""
    return sorted(rows, key=lambda r: (key(r), r[id_key]), reverse=descending)


@dataclass
class Dataset:
    drivers: list[Row]
    vehicles: list[Row]
    risk_scores: list[Row]
    trips: list[Row]
    safety_events: list[Row]
    seasons: list[Row]
    stats: list[Row]
    # Position of each distinct name in the database's collation (which may not
    # be code-point order on PostgreSQL); the keyset rules stay computed here.
    name_positions: dict[str, int]

    @classmethod
    async def read(cls, database_url: str) -> Dataset:
        engine = create_async_engine(database_url)
        name = Driver.__table__.c.name
        names = select(name).distinct().order_by(name)
        try:
            async with engine.connect() as conn:

                async def rows(table: FromClause) -> list[Row]:
                    result = await conn.execute(select(table))
                    return [dict(r._mapping) for r in result]

                return cls(
                    drivers=await rows(Driver.__table__),
                    vehicles=await rows(Vehicle.__table__),
                    risk_scores=await rows(RiskScore.__table__),
                    trips=await rows(Trip.__table__),
                    safety_events=await rows(SafetyEvent.__table__),
                    seasons=await rows(Season.__table__),
                    stats=await rows(DriverSeasonStats.__table__),
                    name_positions={name: i for i, name in enumerate(await conn.scalars(names))},
                )
        finally:
            await engine.dispose()

    # ---- lookups -------------------------------------------------------------

    def driver(self, driver_id: int) -> Row:
        return next(d for d in self.drivers if d["id"] == driver_id)

    def trip(self, trip_id: int) -> Row:
        return next(t for t in self.trips if t["id"] == trip_id)

    def vehicle_of_driver(self, driver_id: int) -> Row | None:
        return next((v for v in self.vehicles if v["driver_id"] == driver_id), None)

    def vehicle(self, vehicle_id: int) -> Row:
        return next(v for v in self.vehicles if v["id"] == vehicle_id)

    def latest_risk_score(self, driver_id: int) -> Row | None:
        history = [r for r in self.risk_scores if r["driver_id"] == driver_id]
        return max(history, key=lambda r: (r["computed_at"], r["id"]), default=None)

    def stats_row(self, driver_id: int, season_id: int) -> Row | None:
        return next(
            (s for s in self.stats if s["driver_id"] == driver_id and s["season_id"] == season_id),
            None,
        )

    def seasons_with_stats(self) -> list[int]:
        return sorted({s["season_id"] for s in self.stats})

    def regions(self) -> list[str]:
        return sorted({d["region"] for d in self.drivers})

    # ---- ordered collections --------------------------------------------------

    def drivers_ordered(
        self,
        field: str | None = None,
        descending: bool = False,
        *,
        region: str | None = None,
        name_contains: str | None = None,
        risk_level: str | None = None,
    ) -> list[Row]:
        rows = [
            d
            for d in self.drivers
            if (region is None or d["region"] == region)
            and (not name_contains or name_contains.lower() in d["name"].lower())
            and (risk_level is None or d["risk_level"] == risk_level)
        ]
        if field is None:
            return sorted(rows, key=lambda d: d["id"])
        return keyset_sorted(rows, self.driver_order_key(field), descending=descending)

    def driver_order_key(self, field: str) -> Callable[[Row], Any]:
        if field == "NAME":
            return lambda d: self.name_positions[d["name"]]
        if field == "CREATED_AT":
            return lambda d: d["created_at"]
        # No risk score sorts as -1: before everyone ascending.
        return lambda d: -1.0 if d["risk_score"] is None else d["risk_score"]

    def trips_ordered(
        self,
        field: str = "STARTED_AT",
        descending: bool = True,
        *,
        driver_id: int | None = None,
        started_after: datetime | None = None,
        started_before: datetime | None = None,
        min_distance_km: float | None = None,
    ) -> list[Row]:
        rows = [
            t
            for t in self.trips
            if (driver_id is None or t["driver_id"] == driver_id)
            and (started_after is None or t["started_at"] >= started_after)
            and (started_before is None or t["started_at"] < started_before)
            and (min_distance_km is None or t["distance_km"] >= min_distance_km)
        ]
        return keyset_sorted(rows, TRIP_ORDER_KEYS[field], descending=descending)

    def events_of(self, trip_id: int) -> list[Row]:
        rows = [e for e in self.safety_events if e["trip_id"] == trip_id]
        return keyset_sorted(rows, lambda e: e["occurred_at"], descending=False)

    def seasons_ordered(self) -> list[Row]:
        return keyset_sorted(self.seasons, lambda s: s["starts_at"], descending=False)

    def active_season(self, now: datetime) -> Row | None:
        active = [s for s in self.seasons if s["starts_at"] <= now < s["ends_at"]]
        return max(active, key=lambda s: (s["starts_at"], s["id"]), default=None)

    def leaderboard(
        self, season_id: int, metric: str, region: str | None = None
    ) -> list[LeaderboardRow]:
        """SQL RANK over the season's aggregate rows; ties ordered by driver id ascending."""
        column, higher_first = METRICS[metric]
        regions = {d["id"]: d["region"] for d in self.drivers}
        rows = [
            s
            for s in self.stats
            if s["season_id"] == season_id and (region is None or regions[s["driver_id"]] == region)
        ]
        values = [r[column] for r in rows]

        def better(a: float, b: float) -> bool:
            return a > b if higher_first else a < b

        ranked = [
            LeaderboardRow(
                driver_id=r["driver_id"],
                value=float(r[column]),
                rank=1 + sum(better(v, r[column]) for v in values),
                stats=r,
            )
            for r in rows
        ]
        sign = -1 if higher_first else 1
        return sorted(ranked, key=lambda e: (sign * e.value, e.driver_id))

    # ---- fleet summary ---------------------------------------------------------

    def season_totals(self, season_id: int) -> tuple[int, float, dict[str, int]]:
        rows = [s for s in self.stats if s["season_id"] == season_id]
        kinds = {k.value: sum(s[k.value.lower()] for s in rows) for k in SafetyEventKind}
        return sum(s["trips"] for s in rows), sum(s["distance_km"] for s in rows), kinds

    def risk_distribution(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for d in self.drivers:
            counts[d["risk_level"]] += 1
        return [(level.value, counts[level.value]) for level in RiskLevel]

    def average_risk_score(self) -> float | None:
        scores = [d["risk_score"] for d in self.drivers if d["risk_score"] is not None]
        return sum(scores) / len(scores) if scores else None

    def trip_activity(self, today: date, days: int) -> list[tuple[str, int, float]]:
        first = today - timedelta(days=days - 1)
        by_day: dict[date, list[Row]] = defaultdict(list)
        for t in self.trips:
            by_day[t["started_at"].astimezone(UTC).date()].append(t)
        activity = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            trips = by_day.get(day, [])
            activity.append((day.isoformat(), len(trips), sum(t["distance_km"] for t in trips)))
        return activity
