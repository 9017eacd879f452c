"""refresh_risk_scores: the model's answer, set-wise, appended only when it changes."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.statements import record_statements
from models import Driver, RiskLevel, RiskScore, SafetyEvent, Trip
from tests.risk.recompute import expected_scores, mismatches, stored_scores
from writes.risk import refresh_risk_scores
from writes.risk_sql import LEVEL_FLOORS

_emails = itertools.count()
LATEST = datetime(2026, 10, 1, 12, 0, 0, 250_000, tzinfo=UTC)


async def _driver(conn: AsyncConnection) -> int:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    values = {
        "name": "Risk Test", "email": f"risk{next(_emails)}@example.com", "region": "north",
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    return int(
        (await conn.execute(insert(Driver).values(values).returning(Driver.id))).scalar_one()
    )


async def _trip(
    conn: AsyncConnection, driver_id: int, started: datetime, km: float, severities: list[int]
) -> int:
    values = {
        "driver_id": driver_id, "started_at": started, "ended_at": started + timedelta(hours=1),
        "distance_km": km, "duration_s": 3600, "safety_score": 80,
    }  # fmt: skip
    trip_id = int((await conn.execute(insert(Trip).values(values).returning(Trip.id))).scalar_one())
    if severities:
        events = [
            {"trip_id": trip_id, "kind": "SPEEDING", "severity": s, "occurred_at": started}
            for s in severities
        ]
        await conn.execute(insert(SafetyEvent), events)
    return trip_id


async def _history_count(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(RiskScore))).scalar_one())


def test_the_sql_levels_are_risk_level_for_score() -> None:
    floors = {floor: level for floor, level in LEVEL_FLOORS}
    for floor, level in floors.items():
        assert RiskLevel.for_score(floor) == level
        assert RiskLevel.for_score(floor - 0.01) != level
    assert RiskLevel.for_score(0) == RiskLevel.LOW


async def test_scores_follow_the_window_and_equal_a_recomputation(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        calm, risky, empty, old = [await _driver(conn) for _ in range(4)]
        # Inside the window: 2 + 3 points over 100 km -> 5 * 5 = 25.0 (MEDIUM, on the floor).
        await _trip(conn, calm, LATEST, 60.0, [2])
        await _trip(conn, calm, LATEST - timedelta(days=89, hours=23), 40.0, [3])
        # Exactly 90 days before the latest start: outside (the window is half-open).
        await _trip(conn, calm, LATEST - timedelta(days=90), 1.0, [5, 5, 5])
        # 30 points over 10 km: 1500, capped at 100.
        await _trip(conn, risky, LATEST, 10.0, [5, 5, 5, 5, 5, 5])
        await _trip(conn, old, LATEST - timedelta(days=400), 33.3, [1])
        changed = await refresh_risk_scores(conn, {calm, risky, empty, old})
        assert changed == {calm, risky, empty, old}
        stored = await stored_scores(conn)
        assert stored[calm][:2] == (25.0, "MEDIUM")
        assert stored[risky][:2] == (100.0, "CRITICAL")
        assert stored[empty][:2] == (0.0, "LOW")  # no trips: nothing risky observed
        assert stored[old][:2] == (round(5 * 100 / 33.3, 2), "LOW")  # its window is its own
        expected = await expected_scores(conn)
        assert not mismatches(expected, stored, {calm, risky, empty, old})


async def test_an_unchanged_score_appends_nothing_and_others_are_untouched(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        first, second = await _driver(conn), await _driver(conn)
        await _trip(conn, first, LATEST, 50.0, [1])
        await _trip(conn, second, LATEST, 50.0, [4])
        assert await refresh_risk_scores(conn, [first]) == {first}
        before = await _history_count(conn)
        assert await refresh_risk_scores(conn, [first]) == set()
        # A trip without events far from the window's edge changes the score ...
        await _trip(conn, first, LATEST - timedelta(days=1), 50.0, [])
        assert await refresh_risk_scores(conn, [first]) == {first}
        assert await _history_count(conn) == before + 1
        stored = await stored_scores(conn)
        assert stored[first][:2] == (5.0, "LOW")
        assert stored[second] == (None, None, None)  # not asked for: not computed
        assert await refresh_risk_scores(conn, []) == set()


async def test_many_drivers_take_the_same_statements_as_one(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        drivers = [await _driver(conn) for _ in range(40)]
        for n, driver_id in enumerate(drivers):
            await _trip(
                conn, driver_id, LATEST - timedelta(days=n), 10.0 + n, [1 + n % 5] * (n % 4)
            )
        with record_statements() as one:
            await refresh_risk_scores(conn, drivers[:1])
        with record_statements() as many:
            assert await refresh_risk_scores(conn, drivers) == set(drivers[1:])
        # PostgreSQL: the lock, then one statement; SQLite: UPDATE ... RETURNING, INSERT.
        assert one.count == many.count == 2
        assert not mismatches(await expected_scores(conn), await stored_scores(conn), set(drivers))


async def test_a_refresh_inside_a_rolled_back_transaction_leaves_nothing(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        async with conn.begin():
            driver_id = await _driver(conn)
        before = await _history_count(conn)
        await conn.commit()
        transaction = await conn.begin()
        await _trip(conn, driver_id, LATEST, 10.0, [5])
        assert await refresh_risk_scores(conn, [driver_id]) == {driver_id}
        await transaction.rollback()
        assert await _history_count(conn) == before
        risk = select(Driver.risk_score).where(Driver.id == driver_id)
        assert (await conn.execute(risk)).scalar_one() is None
        await conn.rollback()


async def test_concurrent_writers_for_one_driver_leave_the_score_of_all_trips(
    engine: AsyncEngine,
) -> None:
    """Each writer inserts a trip and refreshes; the second waits for the first and
    its computation then sees the first's committed trip (on PostgreSQL the row
    lock; SQLite makes the second writer wait for the database's write lock)."""
    async with engine.begin() as conn:
        driver_id = await _driver(conn)
    first_refreshed = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> Any:
        async with engine.begin() as conn:
            await _trip(conn, driver_id, LATEST, 10.0, [5])
            await refresh_risk_scores(conn, [driver_id])
            first_refreshed.set()
            await release_first.wait()

    async def second() -> Any:
        await first_refreshed.wait()
        async with engine.begin() as conn:
            await _trip(conn, driver_id, LATEST - timedelta(days=1), 90.0, [])
            await refresh_risk_scores(conn, [driver_id])

    first_task = asyncio.create_task(first())
    second_task = asyncio.create_task(second())
    await first_refreshed.wait()
    await asyncio.sleep(0.3)  # the second writer is now waiting on the lock
    assert not second_task.done()
    release_first.set()
    await asyncio.gather(first_task, second_task)
    async with engine.connect() as conn:
        stored = await stored_scores(conn)
        # 5 points over 100 km: 25.0, not the first's 250 -> 100 nor the second's alone.
        assert stored[driver_id][:2] == (25.0, "MEDIUM")
        assert not mismatches(await expected_scores(conn), stored, {driver_id})
