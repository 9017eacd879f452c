"""Insert a trip with its events and add it to its seasons' aggregates, set-wise.

One statement on PostgreSQL, three at most on SQLite (writes/trip_statements.py).
Nothing is written when the driver does not exist or already has a trip with
the key; `Inserted` says which, and the caller decides what that means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    Row,
    String,
    TextClause,
    bindparam,
    column,
    exists,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from models import UTCDateTime
from writes import trip_statements as sql
from writes.aggregates import TripShare, derived_metrics
from writes.tables import drivers, safety_events, trips
from writes.trip_input import TripSpec


@dataclass(frozen=True, slots=True)
class Inserted:
    """`row`: the new trip, None when nothing was inserted; `driver_found`: whether
    the driver exists (False: nothing inserted); `season_ids`: the seasons holding
    the trip's start, whose aggregates it was added to."""

    row: Row[Any] | None
    driver_found: bool
    season_ids: tuple[int, ...]


def _params(driver_id: int, spec: TripSpec) -> dict[str, Any]:
    kinds = (event.kind.value for event in spec.events)
    sums = TripShare.of(spec.distance_km, spec.safety_score, kinds).sums()
    added = [*sums.values(), *derived_metrics(sums).values()]
    return {
        "driver_id": driver_id,
        "started_at": spec.started_at,
        "ended_at": spec.ended_at,
        "distance_km": spec.distance_km,
        "duration_s": spec.duration_s,
        "safety_score": spec.safety_score,
        "external_id": spec.external_id,
        **dict(zip(sql.STAT_PARAMS, added, strict=True)),
    }


def _typed(statement: str, *extra: Any) -> TextClause:
    names = [name for name in ("started_at", "ended_at") if f":{name}" in statement]
    times = [bindparam(name, type_=UTCDateTime()) for name in names]
    return text(statement).bindparams(*times, *extra)


_POSTGRES = _typed(
    sql.POSTGRES_RECORD,
    bindparam("kinds", type_=ARRAY(String)),
    bindparam("severities", type_=ARRAY(Integer)),
    bindparam("occurred", type_=ARRAY(DateTime(timezone=True))),
).columns(*trips.c, column("driver_found", Integer), column("season_ids", ARRAY(Integer)))
_SQLITE_TRIP = _typed(sql.SQLITE_TRIP).columns(*trips.c)
_SQLITE_STATS = _typed(sql.SQLITE_STATS)


async def insert_trip(conn: AsyncConnection, driver_id: int, spec: TripSpec) -> Inserted:
    if conn.dialect.name == "postgresql":
        return await _postgres(conn, driver_id, spec)
    return await _sqlite(conn, driver_id, spec)


async def _postgres(conn: AsyncConnection, driver_id: int, spec: TripSpec) -> Inserted:
    """One round trip."""
    params = {
        **_params(driver_id, spec),
        "kinds": [event.kind.value for event in spec.events],
        "severities": [event.severity for event in spec.events],
        "occurred": [event.occurred_at for event in spec.events],
    }
    found = (await conn.execute(_POSTGRES, params)).one()
    row = found if found.id is not None else None
    return Inserted(row, bool(found.driver_found), tuple(found.season_ids))


async def _sqlite(conn: AsyncConnection, driver_id: int, spec: TripSpec) -> Inserted:
    """The trip, its events in one executemany, the aggregates in one upsert."""
    params = _params(driver_id, spec)
    row = (await conn.execute(_SQLITE_TRIP, params)).first()
    if row is None:
        driver = select(exists().where(drivers.c.id == driver_id))
        return Inserted(None, bool((await conn.execute(driver)).scalar()), ())
    if spec.events:
        events = [
            {
                "trip_id": row.id,
                "kind": e.kind.value,
                "severity": e.severity,
                "occurred_at": e.occurred_at,
            }
            for e in spec.events
        ]
        await conn.execute(insert(safety_events), events)
    season_ids = (await conn.execute(_SQLITE_STATS, params)).scalars()
    return Inserted(row, True, tuple(sorted(season_ids)))
