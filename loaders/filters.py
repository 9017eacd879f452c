"""Hashable filter specs: part of a loader key, free of GraphQL types.

Each spec turns into WHERE clauses over bind parameters (`clauses`) whose
set depends only on which fields are given (`shape`), and their values
(`params`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, String, bindparam, func

from models import Driver, Trip
from models.base import UTCDateTime

_trips = Trip.__table__.c
_drivers = Driver.__table__.c


@dataclass(frozen=True, slots=True)
class TripFilterSpec:
    started_after: datetime | None = None
    started_before: datetime | None = None
    min_distance_km: float | None = None

    @property
    def shape(self) -> tuple[bool, ...]:
        return tuple(
            v is not None for v in (self.started_after, self.started_before, self.min_distance_km)
        )

    def clauses(self) -> list[ColumnElement[bool]]:
        after, before, distance = self.shape
        clauses: list[ColumnElement[bool]] = []
        if after:
            clauses.append(_trips.started_at >= bindparam("started_after", type_=UTCDateTime()))
        if before:
            clauses.append(_trips.started_at < bindparam("started_before", type_=UTCDateTime()))
        if distance:
            clauses.append(_trips.distance_km >= bindparam("min_distance_km", type_=Float()))
        return clauses

    def params(self) -> dict[str, Any]:
        values = {
            "started_after": self.started_after,
            "started_before": self.started_before,
            "min_distance_km": self.min_distance_km,
        }
        return {k: v for k, v in values.items() if v is not None}


def trip_filter_shape(spec: TripFilterSpec | None) -> tuple[bool, ...]:
    return (False, False, False) if spec is None else spec.shape


def trip_filter_clauses(spec: TripFilterSpec | None) -> list[ColumnElement[bool]]:
    return [] if spec is None else spec.clauses()


def trip_filter_params(spec: TripFilterSpec | None) -> dict[str, Any]:
    return {} if spec is None else spec.params()


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class DriverFilterSpec:
    region: str | None = None
    name_contains: str | None = None
    risk_level: str | None = None

    @property
    def shape(self) -> tuple[bool, ...]:
        return (self.region is not None, bool(self.name_contains), self.risk_level is not None)

    def clauses(self) -> list[ColumnElement[bool]]:
        region, name, level = self.shape
        clauses: list[ColumnElement[bool]] = []
        if region:
            clauses.append(_drivers.region == bindparam("region"))
        if name:
            pattern = bindparam("name_pattern", type_=String())
            clauses.append(func.lower(_drivers.name).like(pattern, escape="\\"))
        if level:
            clauses.append(_drivers.risk_level == bindparam("risk_level"))
        return clauses

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.region is not None:
            params["region"] = self.region
        if self.name_contains:
            params["name_pattern"] = _like_pattern(self.name_contains)
        if self.risk_level is not None:
            params["risk_level"] = self.risk_level
        return params
