"""The seed: deterministic rows, exact aggregates, all-or-nothing, clear refusals."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text

import seed.run
from db import create_engine
from db.migrate import upgrade
from models import RiskLevel, SafetyEventKind, Season
from seed import SeedError, SeedPlan, SeedSummary, database_is_empty, seed_database
from seed.generate import RowGenerator
from seed.seasons import quarterly_seasons
from tests.conftest import BACKENDS
from tests.migrations.schema_diff import schema_diff
from tests.plans import TEST_ANCHOR, TEST_PLAN
from tests.risk.recompute import expected_scores, mismatches, stored_scores
from tests.seed.readback import checksums, pg_constraints_and_indexes, read_all, row_counts
from tests.services import throwaway_pg_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SMALL = SeedPlan(drivers=30, trips_per_driver=5, seed=11, anchor=TEST_ANCHOR)
OTHER_SEED = SeedPlan(drivers=30, trips_per_driver=5, seed=12, anchor=TEST_ANCHOR)

MakeDb = Callable[..., Awaitable[str]]


@pytest.fixture(params=BACKENDS)
def make_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeDb]:
    """Makes fresh databases of one backend (migrated unless told otherwise).

    Creating and migrating call `asyncio.run`, which cannot nest in the test's
    running loop, hence the worker thread. Teardown (no loop running) drops them.
    """
    with ExitStack() as stack:

        async def make(*, migrated: bool = True) -> str:
            if request.param == "sqlite":
                url = f"sqlite+aiosqlite:///{tmp_path / uuid.uuid4().hex}.sqlite3"
            else:
                database = throwaway_pg_database("fleetgraph_seed_test")
                url = await asyncio.to_thread(stack.enter_context, database)
            if migrated:
                await asyncio.to_thread(upgrade, url)
            return url

        yield make


async def _schema(url: str) -> list[Any]:
    """Schema drift against the models, plus PostgreSQL's exact index/constraint definitions."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            drift: list[Any] = await conn.run_sync(schema_diff)
            if conn.dialect.name == "postgresql":
                drift.append(await conn.run_sync(pg_constraints_and_indexes))
            return drift
    finally:
        await engine.dispose()


# -- the plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"drivers": -1, "trips_per_driver": 5},
        {"drivers": 1_000_001, "trips_per_driver": 5},
        {"drivers": 5, "trips_per_driver": -1},
        {"drivers": 5, "trips_per_driver": 10_001},
        {"drivers": 5, "trips_per_driver": 5, "seed": -1},
        {"drivers": 5, "trips_per_driver": 5, "seed": 2**31},
        {"drivers": True, "trips_per_driver": 5},
        {"drivers": 5, "trips_per_driver": 5, "anchor": datetime(2026, 1, 1)},  # naive
    ],
)
def test_plan_refuses_bad_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(SeedError) as caught:
        SeedPlan(**kwargs)
    assert "\n" not in str(caught.value)


def test_plan_anchor_defaults_to_todays_utc_midnight() -> None:
    anchor = SeedPlan(drivers=1, trips_per_driver=1).resolved_anchor()
    assert anchor.tzinfo is UTC
    assert (anchor.hour, anchor.minute, anchor.second, anchor.microsecond) == (0, 0, 0, 0)
    assert datetime.now(UTC) - anchor < timedelta(days=1)


@pytest.mark.parametrize(
    ("anchor", "names"),
    [
        (TEST_ANCHOR, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
        (datetime(2026, 2, 1, tzinfo=UTC), ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]),
        (datetime(2026, 1, 1, tzinfo=UTC), ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]),
    ],
)
def test_seasons_are_the_anchor_quarter_and_three_before(
    anchor: datetime, names: list[str]
) -> None:
    seasons = quarterly_seasons(anchor)
    assert [s.name for s in seasons] == names
    assert [s.id for s in seasons] == [1, 2, 3, 4]
    assert all(a.ends_at == b.starts_at for a, b in pairwise(seasons))
    assert seasons[-1].starts_at <= anchor < seasons[-1].ends_at
    assert all(s.starts_at.tzinfo is UTC and s.starts_at.hour == 0 for s in seasons)


def test_summary_describes_in_one_line() -> None:
    summary = SeedSummary(
        drivers=1000, vehicles=1000, trips=50_000, safety_events=150_123,
        risk_scores=2500, seasons=4, driver_season_stats=4000, seconds=4.21,
    )  # fmt: skip
    assert summary.describe() == (
        "seeded 1,000 drivers, 50,000 trips, 150,123 safety events in 4.2 s"
    )


def test_generation_does_not_depend_on_batch_size() -> None:
    def rows(drivers_per_batch: int) -> dict[str, list[Any]]:
        seasons = quarterly_seasons(TEST_ANCHOR)
        generator = RowGenerator(SMALL, seasons, TEST_ANCHOR, int)
        tables: dict[str, list[Any]] = defaultdict(list)
        for batch in generator.batches(drivers_per_batch):
            for table in ("drivers", "vehicles", "risk_scores", "trips", "safety_events"):
                tables[table] += getattr(batch, table)
        return tables

    assert rows(1) == rows(7) == rows(1000)


# -- determinism ------------------------------------------------------------------------------


async def test_same_plan_gives_identical_rows_and_another_seed_does_not(make_db: MakeDb) -> None:
    first, second = await make_db(), await make_db()
    schema_before = await _schema(first)

    summary = await seed_database(first, SMALL, progress=False)
    await seed_database(second, SMALL, progress=False)
    rows = await read_all(first)
    sums = checksums(rows)
    assert sums == checksums(await read_all(second))
    assert summary.trips == len(rows["trips"]) == 150
    assert summary.safety_events == len(rows["safety_events"])
    assert summary.driver_season_stats == len(rows["driver_season_stats"])
    # Explicit ids 1..N in generation order.
    for table in ("drivers", "vehicles", "trips", "safety_events", "risk_scores", "seasons"):
        assert [row[0] for row in rows[table]] == list(range(1, len(rows[table]) + 1))
    # Suspended indexes and foreign keys are back, byte for byte.
    assert await _schema(first) == schema_before

    await seed_database(first, OTHER_SEED, progress=False, replace=True)
    other = checksums(await read_all(first))
    assert other["seasons"] == sums["seasons"]  # the anchor alone decides them
    for table in ("drivers", "vehicles", "trips", "safety_events", "risk_scores"):
        assert other[table] != sums[table], table


async def test_id_sequences_continue_after_the_seeded_ids(make_db: MakeDb) -> None:
    url = await make_db()
    await seed_database(url, SMALL, progress=False)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            starts = datetime(2030, 1, 1, tzinfo=UTC)
            result = await conn.execute(
                insert(Season).returning(Season.id),
                {"name": "later", "starts_at": starts, "ends_at": starts + timedelta(days=1)},
            )
            assert result.scalar_one() == 5
            await conn.rollback()
    finally:
        await engine.dispose()


async def test_sqlite_timestamps_are_stored_as_sqlalchemy_writes_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stamps.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    await seed_database(url, SMALL, progress=False)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            season = (await conn.execute(text("SELECT starts_at FROM seasons WHERE id = 1"))).one()
            await conn.execute(
                insert(Season),
                {
                    "id": 99,
                    "name": "probe",
                    "starts_at": quarterly_seasons(TEST_ANCHOR)[0].starts_at,
                    "ends_at": TEST_ANCHOR,
                },
            )
            probe = (await conn.execute(text("SELECT starts_at FROM seasons WHERE id = 99"))).one()
            assert season == probe == ("2026-01-01 00:00:00.000000",)
            stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
            for column in ("started_at", "ended_at"):
                values = (await conn.execute(text(f"SELECT {column} FROM trips"))).scalars()
                assert all(stamp.match(value) for value in values)
            await conn.rollback()
    finally:
        await engine.dispose()


# -- the data itself (the shared seeded database) ---------------------------------------------


@pytest.fixture(scope="module")
async def seeded_rows(seeded_db_url: str) -> AsyncIterator[dict[str, list[tuple[Any, ...]]]]:
    yield await read_all(seeded_db_url)


async def test_rows_have_the_promised_shape(seeded_rows: dict[str, list[tuple[Any, ...]]]) -> None:
    anchor = TEST_ANCHOR
    seasons = seeded_rows["seasons"]
    first_start = seasons[0][2]
    assert [s[1] for s in seasons] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]

    drivers = seeded_rows["drivers"]
    assert len(drivers) == TEST_PLAN.drivers
    assert len({d[2] for d in drivers}) == len(drivers)  # unique emails
    assert len({d[3] for d in drivers}) == 8  # all regions used at this size
    assert len({d[1] for d in drivers}) > len(drivers) // 2  # varied names
    assert all(d[4] == d[5] < first_start and d[4].tzinfo is UTC for d in drivers)

    vehicles = seeded_rows["vehicles"]
    assert [v[1] for v in vehicles] == [d[0] for d in drivers]  # one per driver
    assert len({v[5] for v in vehicles}) == len(vehicles)
    assert all(2008 <= v[4] <= 2026 for v in vehicles)
    vehicle_of = {v[1]: v[0] for v in vehicles}

    trips = seeded_rows["trips"]
    assert len(trips) == TEST_PLAN.trips
    events_per_trip = Counter(e[1] for e in seeded_rows["safety_events"])
    window = {}
    for trip_id, driver_id, vehicle_id, started, ended, distance, duration, score, key in trips:
        assert key is None  # seeded trips have no idempotency key
        assert vehicle_id == vehicle_of[driver_id]
        assert first_start <= started < ended <= anchor
        assert ended - started == timedelta(seconds=duration)
        assert 300 <= duration <= 7200
        assert distance > 0 and round(distance, 3) == distance
        assert 0 <= score <= 100
        assert events_per_trip[trip_id] <= 6
        window[trip_id] = (started, ended)
    assert 2.0 < len(seeded_rows["safety_events"]) / len(trips) < 4.0

    kinds = {kind.value for kind in SafetyEventKind}
    for _, trip_id, kind, severity, occurred in seeded_rows["safety_events"]:
        assert kind in kinds and 1 <= severity <= 5
        assert window[trip_id][0] <= occurred <= window[trip_id][1]


async def test_risk_level_and_score_are_the_latest_history_row(
    seeded_rows: dict[str, list[tuple[Any, ...]]],
) -> None:
    history: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in seeded_rows["risk_scores"]:
        _, driver_id, score, level, computed_at = row
        assert 0 <= score <= 100 and round(score, 2) == score
        assert level == RiskLevel.for_score(score)
        assert computed_at < TEST_ANCHOR
        history[driver_id].append(row)
    for driver_id, _, _, _, _, _, risk_score, risk_level in seeded_rows["drivers"]:
        rows = history[driver_id]
        assert 1 <= len(rows) <= 4
        assert [r[4] for r in rows] == sorted({r[4] for r in rows})  # strictly increasing
        latest = max(rows, key=lambda r: (r[4], r[0]))
        assert (risk_score, risk_level) == (latest[2], latest[3])


async def test_latest_risk_scores_are_the_risk_model_of_the_seeded_trips(
    seeded_db_url: str, seeded_rows: dict[str, list[tuple[Any, ...]]]
) -> None:
    engine = create_engine(seeded_db_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            expected = await expected_scores(conn)
            assert not mismatches(expected, await stored_scores(conn))
    finally:
        await engine.dispose()
    # Stamped just before the anchor, after every generated (illustrative) row.
    last = max(row[4] for row in seeded_rows["risk_scores"])
    assert last == TEST_ANCHOR - timedelta(seconds=1)
    assert len(expected) == TEST_PLAN.drivers
    assert len({level for _, level, _ in expected.values()}) >= 3  # the demo shows a spread
    assert all(has_trips for _, _, has_trips in expected.values())


async def test_driver_season_stats_match_the_trips_and_events(
    seeded_rows: dict[str, list[tuple[Any, ...]]],
) -> None:
    seasons = seeded_rows["seasons"]
    kind_columns = [kind.value for kind in SafetyEventKind]
    expected: dict[tuple[int, int], dict[str, Any]] = {}
    season_of_trip: dict[int, tuple[int, int]] = {}
    for trip_id, driver_id, _, started, _, distance, _, score, _ in seeded_rows["trips"]:
        (season_id,) = [s[0] for s in seasons if s[2] <= started < s[3]]
        key = (season_id, driver_id)
        season_of_trip[trip_id] = key
        stats = expected.setdefault(
            key, {"trips": 0, "distance": 0.0, "score_distance": 0.0, "events": Counter()}
        )
        stats["trips"] += 1
        stats["distance"] += distance
        stats["score_distance"] += score * distance
    for _, trip_id, kind, _, _ in seeded_rows["safety_events"]:
        expected[season_of_trip[trip_id]]["events"][kind] += 1

    actual = {(row[0], row[1]): row[2:] for row in seeded_rows["driver_season_stats"]}
    assert set(actual) == set(expected)
    assert len({season for season, _ in actual}) == 4  # every season has trips
    for key, stats in expected.items():
        events = sum(stats["events"].values())
        trips, distance, score_distance, safety_events, score, per_100km, *kinds = actual[key]
        assert trips == stats["trips"]
        assert distance == pytest.approx(stats["distance"], rel=1e-12)
        assert score_distance == pytest.approx(stats["score_distance"], rel=1e-12)
        assert safety_events == events
        assert score == pytest.approx(stats["score_distance"] / stats["distance"])
        assert per_100km == pytest.approx(events * 100.0 / stats["distance"])
        assert kinds == [stats["events"][kind] for kind in kind_columns]


async def test_database_is_empty(make_db: MakeDb) -> None:
    url = await make_db()
    assert await database_is_empty(url)
    await seed_database(url, SMALL, progress=False)
    assert not await database_is_empty(url)
    with pytest.raises(SeedError, match="not migrated"):
        await database_is_empty(await make_db(migrated=False))


# -- refusals and failures --------------------------------------------------------------------


async def test_refuses_a_database_with_data_and_changes_nothing(seeded_db_url: str) -> None:
    before = checksums(await read_all(seeded_db_url))
    with pytest.raises(SeedError) as caught:
        await seed_database(seeded_db_url, SMALL, progress=False)
    assert str(caught.value) == (
        f"database already holds data ({TEST_PLAN.drivers} drivers); pass --force to replace it"
    )
    assert checksums(await read_all(seeded_db_url)) == before


async def test_refuses_an_unmigrated_database(make_db: MakeDb) -> None:
    with pytest.raises(SeedError) as caught:
        await seed_database(await make_db(migrated=False), SMALL, progress=False)
    assert str(caught.value) == "database is not migrated; run `fleetgraph migrate` first"


async def test_unreachable_database_is_one_line_without_the_password() -> None:
    url = "postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/nope"
    with pytest.raises(SeedError) as caught:
        await seed_database(url, SMALL, progress=False)
    message = str(caught.value)
    assert message.startswith("cannot reach the database at postgresql+asyncpg://postgres:***@")
    assert "s3cret" not in message and "\n" not in message


def _fail_after_two_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the load midway: several batches are already COPY'd/inserted by then."""
    original = RowGenerator.batches

    def batches(self: RowGenerator[Any], drivers_per_batch: int) -> Iterator[Any]:
        for number, batch in enumerate(original(self, drivers_per_batch)):
            if number == 2:
                raise RuntimeError("boom")
            yield batch

    monkeypatch.setattr(seed.run, "TRIPS_PER_BATCH", 10)  # 2 drivers per batch
    monkeypatch.setattr(RowGenerator, "batches", batches)


async def test_a_failure_midway_leaves_nothing_behind(
    make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await make_db()
    schema_before = await _schema(url)
    _fail_after_two_batches(monkeypatch)
    with pytest.raises(RuntimeError, match="boom"):
        await seed_database(url, SMALL, progress=False)
    assert set((await row_counts(url)).values()) == {0}
    assert await _schema(url) == schema_before


async def test_a_failed_replace_keeps_the_old_data(
    make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await make_db()
    await seed_database(url, SMALL, progress=False)
    before = checksums(await read_all(url))

    async def broken(conn: object) -> int:
        raise RuntimeError("aggregate failed")

    monkeypatch.setattr(seed.run, "rebuild_driver_season_stats", broken)
    with pytest.raises(RuntimeError, match="aggregate failed"):
        await seed_database(url, OTHER_SEED, progress=False, replace=True)
    assert checksums(await read_all(url)) == before


async def test_an_empty_plan_seeds_only_the_seasons(make_db: MakeDb) -> None:
    url = await make_db()
    summary = await seed_database(
        url, SeedPlan(drivers=0, trips_per_driver=0, anchor=TEST_ANCHOR), progress=False
    )
    assert (summary.drivers, summary.trips, summary.driver_season_stats) == (0, 0, 0)
    counts = await row_counts(url)
    assert counts.pop("seasons") == 4
    assert set(counts.values()) == {0}


# -- the command line -------------------------------------------------------------------------


def _cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "seed", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_rejects_a_negative_size_without_a_traceback(tmp_path: Path) -> None:
    done = _cli("--drivers", "-5", database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "fleetgraph seed: argument --drivers: -5 is out of range 0..1000000 (see --help)"
    ]


def test_cli_reports_an_unreachable_database_in_one_line() -> None:
    done = _cli("--no-progress", database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nope")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("fleetgraph seed: cannot reach the database at ")
