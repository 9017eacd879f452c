"""driver_season_stats kept exact, in the transaction that writes or deletes a trip.

A trip counts in every season whose [starts_at, ends_at) holds its
`started_at` (the definition the seed's rebuild uses too; seasons normally
do not overlap, so that is one season or none). Adding is one atomic
INSERT ... ON CONFLICT DO UPDATE that adds to the sums and recomputes the
derived metrics from the new sums (rendered from these definitions by
writes/trip_statements.py), so concurrent writers for the same driver never
lose an update: the database serializes them on the row.
Removing subtracts the same amounts in one UPDATE and deletes the row once
it counts no trip.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models.enums import SafetyEventKind
from writes.tables import driver_season_stats as stats
from writes.tables import seasons

logger = logging.getLogger("fleetgraph.writes")


# The counter column of each event kind.
KIND_COLUMNS = {kind.value: kind.value.lower() for kind in SafetyEventKind}
SUMS = ("trips", "distance_km", "score_distance", "safety_events", *KIND_COLUMNS.values())


@dataclass(frozen=True, slots=True)
class TripShare:
    """What one trip adds to its driver's season sums."""

    distance_km: float
    safety_score: int
    event_kinds: Counter[str]

    @classmethod
    def of(cls, distance_km: float, safety_score: int, kinds: Iterable[str]) -> TripShare:
        return cls(distance_km, safety_score, Counter(kinds))

    def sums(self) -> dict[str, Any]:
        return {
            "trips": 1,
            "distance_km": self.distance_km,
            "score_distance": self.safety_score * self.distance_km,
            "safety_events": self.event_kinds.total(),
            **{column: self.event_kinds[kind] for kind, column in KIND_COLUMNS.items()},
        }


def derived_metrics(sums: dict[str, Any]) -> dict[str, Any]:
    """The metric columns from sums: Python values or SQL expressions alike."""
    return {
        "safety_score": sums["score_distance"] / sums["distance_km"],
        "events_per_100km": sums["safety_events"] * 100.0 / sums["distance_km"],
    }


async def seasons_holding(conn: AsyncConnection, instant: datetime) -> list[int]:
    query = select(seasons.c.id).where(seasons.c.starts_at <= instant, seasons.c.ends_at > instant)
    return list((await conn.execute(query)).scalars())


def _insert(conn: AsyncConnection) -> Any:
    """The dialect's INSERT, the one that has ON CONFLICT DO UPDATE."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(stats)


async def add_trip(
    conn: AsyncConnection, driver_id: int, started_at: datetime, share: TripShare
) -> list[int]:
    """Add the trip to its driver's sums, one statement per season; the seasons whose
    sums it changed. recordTrip does the same inside its insert (writes/trip_insert.py)."""
    sums = share.sums()
    season_ids = await seasons_holding(conn, started_at)
    for season_id in season_ids:
        statement = _insert(conn).values(
            season_id=season_id, driver_id=driver_id, **sums, **derived_metrics(sums)
        )
        new: dict[str, Any] = {name: stats.c[name] + statement.excluded[name] for name in SUMS}
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[stats.c.season_id, stats.c.driver_id],
                set_={**new, **derived_metrics(new)},
            )
        )
    return season_ids


async def remove_trip(
    conn: AsyncConnection, driver_id: int, season_ids: Iterable[int], share: TripShare
) -> None:
    """Take the trip out of its driver's sums in the seasons holding its start."""
    sums = share.sums()
    for season_id in season_ids:
        key = and_(stats.c.season_id == season_id, stats.c.driver_id == driver_id)
        left: dict[str, Any] = {name: stats.c[name] - sums[name] for name in SUMS}
        remains: ColumnElement[bool] = left["trips"] > 0
        derived = {
            name: case((remains, value), else_=0.0) for name, value in derived_metrics(left).items()
        }
        statement = update(stats).where(key).values(**left, **derived).returning(stats.c.trips)
        trips_left = (await conn.execute(statement)).scalar()
        if trips_left is None:
            logger.warning("no stats row for driver %s in season %s", driver_id, season_id)
        elif trips_left == 0:
            await conn.execute(delete(stats).where(key, stats.c.trips == 0))
