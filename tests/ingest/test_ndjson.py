"""NDJSON imports end to end on both backends: counts, rows, aggregates, re-imports."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from models import ImportStatus
from tests.ingest.files import drivers, season_start, trips, write_ndjson
from tests.ingest.run import run_import
from tests.mutations.database import assert_stats_exact, rows, scalar, table_counts
from tests.risk.recompute import expected_scores, mismatches, stored_scores


async def test_a_file_goes_in_whole_with_its_events_and_exact_aggregates(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    people = await drivers(engine)
    made = trips(people, await season_start(engine), 40)
    made[3].pop("driverEmail")
    made[3]["driverId"] = trips(people[:1], await season_start(engine), 1, by_id=True)[0][
        "driverId"
    ]
    before = await table_counts(engine)

    job = await run_import(engine, write_ndjson(tmp_path / "trips.ndjson", made))

    assert job.status == ImportStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_imported, job.rows_duplicate, job.rows_rejected) == (
        40,
        40,
        0,
        0,
    )
    assert job.lines_done == 40 and job.finished_at is not None and job.attempts == 1
    after = await table_counts(engine)
    assert after["trips"] - before["trips"] == 40
    assert after["safety_events"] - before["safety_events"] == 120
    stored = await rows(
        engine,
        "SELECT t.external_id, t.distance_km, t.safety_score, d.email, t.vehicle_id, "
        "(SELECT COUNT(*) FROM safety_events e WHERE e.trip_id = t.id) AS events "
        "FROM trips t JOIN drivers d ON d.id = t.driver_id WHERE t.external_id = :key",
        key=made[0]["externalId"],
    )
    assert len(stored) == 1
    assert stored[0].email == made[0]["driverEmail"]
    assert stored[0].distance_km == made[0]["distanceKm"] and stored[0].events == 3
    assert stored[0].vehicle_id is not None  # the driver's vehicle, as recordTrip does
    await assert_stats_exact(engine)
    async with engine.connect() as conn:
        expected, stored_risk = await expected_scores(conn), await stored_scores(conn)
    assert mismatches(expected, stored_risk, {driver.id for driver in people}) == {}


async def test_the_same_file_twice_imports_nothing_the_second_time(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 25)
    path = write_ndjson(tmp_path / "again.ndjson", [*made, made[0]])  # and a repeat inside
    first = await run_import(engine, path)
    assert (first.rows_imported, first.rows_duplicate, first.status) == (25, 1, "SUCCEEDED")
    before = await table_counts(engine)

    second = await run_import(engine, path)

    assert (second.rows_read, second.rows_imported, second.rows_duplicate) == (26, 0, 26)
    assert second.status == ImportStatus.SUCCEEDED
    assert await table_counts(engine) == before
    await assert_stats_exact(engine)


async def test_bad_rows_are_rejected_with_line_and_code_and_the_rest_goes_in(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    good = trips(await drivers(engine), await season_start(engine), 6)
    late = dict(good[1], externalId="bad-window", endedAt=good[1]["startedAt"])
    unknown = dict(good[2], externalId="bad-driver", driverEmail="nobody@nowhere.example")
    scored = dict(good[3], externalId="bad-score", safetyScore=101)
    lines: list[dict[str, object] | str] = [
        good[0],  # 1
        "{not json",  # 2
        late,  # 3
        "",  # 4: blank, skipped
        unknown,  # 5
        scored,  # 6
        "[1, 2]",  # 7
        dict(good[4], distanceKm="far"),  # 8
        {k: v for k, v in good[5].items() if k != "startedAt"},  # 9
    ]
    before = await scalar(engine, "SELECT COUNT(*) FROM trips")

    job = await run_import(engine, write_ndjson(tmp_path / "mixed.ndjson", lines), batch_rows=3)

    assert job.status == ImportStatus.PARTIAL
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (8, 1, 7)
    found = [(r["line"], r["code"], r["field"]) for r in json.loads(job.rejections)]
    assert found == [
        (2, "MALFORMED", None),
        (3, "INVALID_TIME_RANGE", "endedAt"),
        (5, "NOT_FOUND", "driverEmail"),
        (6, "OUT_OF_RANGE", "safetyScore"),
        (7, "MALFORMED", None),
        (8, "INVALID_VALUE", "distanceKm"),
        (9, "MISSING_FIELD", "startedAt"),
    ]
    assert all(r["message"] for r in json.loads(job.rejections))
    assert await scalar(engine, "SELECT COUNT(*) FROM trips") == before + 1
    await assert_stats_exact(engine)


async def test_a_gzip_file_is_read_as_it_streams(engine: AsyncEngine, tmp_path: Path) -> None:
    made = trips(await drivers(engine), await season_start(engine), 30)
    job = await run_import(engine, write_ndjson(tmp_path / "trips.ndjson.gz", made))
    assert (job.status, job.rows_imported) == (ImportStatus.SUCCEEDED, 30)
    await assert_stats_exact(engine)


async def test_a_file_that_is_not_ndjson_fails_at_once_writing_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    before = await table_counts(engine)
    path = tmp_path / "sheet.csv"
    path.write_text("external_id,driver_email\nx,y\n")

    job = await run_import(engine, path)

    assert job.status == ImportStatus.FAILED
    assert "not NDJSON" in job.error and "line 1" in job.error
    assert (job.rows_read, job.rows_imported) == (0, 0)
    assert await table_counts(engine) == before


async def test_a_corrupt_gzip_file_fails_with_its_reason(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    before = await table_counts(engine)
    path = tmp_path / "broken.ndjson.gz"
    path.write_bytes(b"\x1f\x8b" + b"garbage" * 10)

    job = await run_import(engine, path)

    assert job.status == ImportStatus.FAILED and "corrupt" in job.error
    assert await table_counts(engine) == before
