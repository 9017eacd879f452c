"""Hashable filter specs: part of a loader key, free of GraphQL types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TripFilterSpec:
    started_after: datetime | None = None
    started_before: datetime | None = None
    min_distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class DriverFilterSpec:
    region: str | None = None
    name_contains: str | None = None
    risk_level: str | None = None
