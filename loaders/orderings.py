"""Every keyset ordering a connection offers, by (connection, field, direction)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import func

from models import Driver, SafetyEvent, Season, Trip
from pagination import Ordering

_drivers = Driver.__table__.c
_trips = Trip.__table__.c
_events = SafetyEvent.__table__.c
_seasons = Season.__table__.c

# Drivers without a risk score sort as -1: before everyone ascending.
DRIVER_RISK_SORT = func.coalesce(_drivers.risk_score, -1.0).label("risk_sort")


@cache
def driver_ordering(field: str, descending: bool) -> Ordering:
    tag = f"Driver:{field}:{'D' if descending else 'A'}"
    if field == "NAME":
        return Ordering(tag, (_drivers.name, _drivers.id), ("name", "id"), (str, int), descending)
    if field == "CREATED_AT":
        return Ordering(
            tag,
            (_drivers.created_at, _drivers.id),
            ("created_at", "id"),
            (datetime, int),
            descending,
        )
    if field == "RISK_SCORE":
        return Ordering(
            tag, (DRIVER_RISK_SORT, _drivers.id), ("risk_sort", "id"), (float, int), descending
        )
    if field == "ID":
        return Ordering(tag, (_drivers.id,), ("id",), (int,), descending)
    raise ValueError(f"unknown driver order field {field}")


_TRIP_KEYS = {
    "STARTED_AT": (_trips.started_at, "started_at", datetime),
    "DISTANCE": (_trips.distance_km, "distance_km", float),
    "SAFETY_SCORE": (_trips.safety_score, "safety_score", int),
}


@cache
def trip_ordering(field: str, descending: bool) -> Ordering:
    column, name, kind = _TRIP_KEYS[field]
    return Ordering(
        f"Trip:{field}:{'D' if descending else 'A'}",
        (column, _trips.id),
        (name, "id"),
        (kind, int),
        descending,
    )


SAFETY_EVENT_ORDERING = Ordering(
    "SafetyEvent:OCCURRED_AT:A",
    (_events.occurred_at, _events.id),
    ("occurred_at", "id"),
    (datetime, int),
    False,
)

SEASON_ORDERING = Ordering(
    "Season:STARTS_AT:A",
    (_seasons.starts_at, _seasons.id),
    ("starts_at", "id"),
    (datetime, int),
    False,
)
