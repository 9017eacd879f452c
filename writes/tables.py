"""The tables the write side changes, typed as `Table` (what DML statements take)."""

from __future__ import annotations

from sqlalchemy import Table

from models import (
    Base,
    Driver,
    DriverSeasonStats,
    RiskScore,
    SafetyEvent,
    Season,
    Trip,
    Vehicle,
)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


drivers = _table(Driver)
vehicles = _table(Vehicle)
trips = _table(Trip)
safety_events = _table(SafetyEvent)
seasons = _table(Season)
driver_season_stats = _table(DriverSeasonStats)
risk_scores = _table(RiskScore)
