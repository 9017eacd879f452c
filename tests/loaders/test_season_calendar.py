"""The per-process season calendar: right season for any instant, read once per ttl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db import create_engine
from db.statements import count_statements, record_statements
from loaders import Database
from loaders.season_calendar import SeasonCalendar


async def _calendar(url: str, ttl: float) -> tuple[SeasonCalendar, Database]:
    engine = create_engine(url)
    count_statements(engine)
    db = Database(engine)
    return SeasonCalendar(db, ttl), db


async def test_active_season_is_the_one_holding_the_instant(seeded_db_url: str) -> None:
    calendar, db = await _calendar(seeded_db_url, ttl=60)
    try:
        rows = sorted(await calendar.rows(), key=lambda row: row.starts_at)
        for row in rows:
            assert (await calendar.active(row.starts_at)).id == row.id
            assert (await calendar.active(row.ends_at - timedelta(seconds=1))).id == row.id
        assert await calendar.active(rows[0].starts_at - timedelta(seconds=1)) is None
        assert await calendar.active(datetime(2999, 1, 1, tzinfo=UTC)) is None
    finally:
        await db.engine.dispose()


async def test_seasons_are_read_once_per_ttl(seeded_db_url: str) -> None:
    now = datetime.now(UTC)
    cached, db = await _calendar(seeded_db_url, ttl=60)
    uncached = SeasonCalendar(db, ttl=0)
    try:
        with record_statements() as log:
            for _ in range(3):
                await cached.active(now)
        assert log.count == 1
        with record_statements() as log:
            for _ in range(3):
                await uncached.active(now)
        assert log.count == 3
    finally:
        await db.engine.dispose()


async def test_a_fresh_calendar_answers_without_awaiting(seeded_db_url: str) -> None:
    now = datetime.now(UTC)
    cached, db = await _calendar(seeded_db_url, ttl=60)
    uncached = SeasonCalendar(db, ttl=0)
    try:
        assert cached.known_active(now) == (False, None)  # nothing read yet
        expected = await cached.active(now)
        with record_statements() as log:
            assert cached.known_active(now) == (True, expected)
        assert log.count == 0
        await uncached.active(now)
        assert uncached.known_active(now) == (False, None)  # ttl 0: always read
    finally:
        await db.engine.dispose()
