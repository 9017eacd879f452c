"""Risk scores that follow the data: recomputed for the drivers a write touched.

`refresh_risk_scores` runs inside the caller's transaction, after its trips
and events are written: it recomputes the model (writes/risk_sql.py,
docs/decisions/0032b-risk-model.md) set-wise for the drivers given, updates
`drivers.risk_score`/`risk_level` where they changed and appends one
`risk_scores` row for each of those drivers, in two statements whatever the
number of drivers.

Concurrent writers for one driver are serialized on PostgreSQL by a row lock
taken before the computation, whose statement therefore sees every trip
committed before it (READ COMMITTED takes a snapshot per statement): the last
writer to commit leaves the score of all the trips. SQLite runs one writer at
a time.

Lock order: a write takes its trips' and aggregates' row locks first and the
drivers' last, here, in id order. recordTrip and deleteTrip keep to it, and
so does a bulk import that calls this after writing its batch: none of them
waits for a driver row while holding one another is waiting for.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import Integer, TextClause, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from models import UTCDateTime
from writes import risk_sql
from writes.tables import risk_scores


async def refresh_risk_scores(conn: AsyncConnection, driver_ids: Collection[int]) -> set[int]:
    """Recompute the drivers' risk scores; the ids of those whose score or level changed."""
    if not driver_ids:
        return set()
    return await score_drivers(conn, driver_ids)


def _postgres_refresh(every: bool) -> TextClause:
    ids = [] if every else [bindparam("ids", type_=ARRAY(Integer))]
    computed_at = bindparam("computed_at", type_=UTCDateTime())
    return text(risk_sql.postgres_refresh(every=every)).bindparams(computed_at, *ids)


# Built once: the texts are constant, so each is compiled (and prepared) once.
_POSTGRES_LOCK = text(risk_sql.POSTGRES_LOCK).bindparams(bindparam("ids", type_=ARRAY(Integer)))
_POSTGRES_REFRESH = {every: _postgres_refresh(every) for every in (False, True)}
_SQLITE_UPDATE = {every: text(risk_sql.sqlite_update(every=every)) for every in (False, True)}


async def score_drivers(
    conn: AsyncConnection, driver_ids: Collection[int] | None, computed_at: datetime | None = None
) -> set[int]:
    """`refresh_risk_scores` for `driver_ids` (None: every driver, for the seed,
    which holds the whole database: no lock), stamped `computed_at` (None: the
    database's clock, read after the lock)."""
    every = driver_ids is None
    ids = sorted(driver_ids or ())
    if conn.dialect.name == "postgresql":
        params: dict[str, object] = {"computed_at": computed_at}
        if not every:
            await conn.execute(_POSTGRES_LOCK, {"ids": ids})
            params["ids"] = ids
        return set((await conn.execute(_POSTGRES_REFRESH[every], params)).scalars())
    return await _sqlite(conn, ids, every, computed_at)


async def _sqlite(
    conn: AsyncConnection, ids: list[int], every: bool, computed_at: datetime | None
) -> set[int]:
    params = {} if every else {"ids": json.dumps(ids)}
    changed = (await conn.execute(_SQLITE_UPDATE[every], params)).all()
    if not changed:
        return set()
    # One writer at a time on SQLite: the process clock orders the history.
    stamp = computed_at or datetime.now(UTC)
    rows = [
        {
            "driver_id": row.id,
            "score": row.risk_score,
            "level": row.risk_level,
            "computed_at": stamp,
        }
        for row in changed
    ]
    await conn.execute(insert(risk_scores), rows)
    return {row.id for row in changed}
