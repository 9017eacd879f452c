"""Leaderboard metrics: which aggregate column each ranks by, and in which direction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from models import DriverSeasonStats

stats = DriverSeasonStats.__table__


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    column: ColumnElement[Any]
    higher_first: bool


METRICS = {
    "SAFETY_SCORE": Metric("SAFETY_SCORE", stats.c.safety_score, True),
    "DISTANCE": Metric("DISTANCE", stats.c.distance_km, True),
    "TRIPS": Metric("TRIPS", stats.c.trips, True),
    "EVENTS_PER_100KM": Metric("EVENTS_PER_100KM", stats.c.events_per_100km, False),
}
