"""CSV imports on both backends: trips with an events file, without one, and not CSV."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from models import ImportFormat, ImportStatus
from tests.ingest.files import drivers, season_start, trips, write_csv
from tests.ingest.run import run_import
from tests.mutations.database import assert_stats_exact, scalar, table_counts


async def test_trips_and_their_events_from_two_files(engine: AsyncEngine, tmp_path: Path) -> None:
    made = trips(await drivers(engine), await season_start(engine), 30)
    trips_csv, events_csv = write_csv(tmp_path / "trips.csv", made)
    before = await table_counts(engine)

    job = await run_import(engine, trips_csv, ImportFormat.CSV, events=events_csv)

    assert job.status == ImportStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (30, 30, 0)
    after = await table_counts(engine)
    assert after["trips"] - before["trips"] == 30
    assert after["safety_events"] - before["safety_events"] == 90
    events_of_first = await scalar(
        engine,
        "SELECT COUNT(*) FROM safety_events e JOIN trips t ON t.id = e.trip_id "
        "WHERE t.external_id = :key",
        key=made[0]["externalId"],
    )
    assert events_of_first == 3
    await assert_stats_exact(engine)


async def test_gzip_csv_without_events_and_rejected_rows_by_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 5, events=0)
    trips_csv, _ = write_csv(tmp_path / "plain.csv", made)
    lines = trips_csv.read_text().splitlines()
    lines.insert(3, "only,three,fields")  # line 4
    lines.insert(5, lines[5].replace(",5", ",-5", 1) if ",5" in lines[5] else lines[5] + "x")
    bad_score = lines[1].rsplit(",", 1)[0] + ",high"
    lines.append(bad_score.replace(made[0]["externalId"], "bad-score"))  # the last line
    packed = tmp_path / "plain.csv.gz"
    packed.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    before = await scalar(engine, "SELECT COUNT(*) FROM trips")

    job = await run_import(engine, packed, ImportFormat.CSV, batch_rows=2)

    assert job.status == ImportStatus.PARTIAL
    rejected = [(r["line"], r["code"]) for r in json.loads(job.rejections)]
    assert (4, "MALFORMED") in rejected
    assert (len(lines), "INVALID_VALUE") in rejected
    assert job.rows_imported == await scalar(engine, "SELECT COUNT(*) FROM trips") - before
    assert job.rows_imported + job.rows_rejected + job.rows_duplicate == job.rows_read
    assert job.rows_imported >= 4
    await assert_stats_exact(engine)


async def test_a_file_without_the_header_fails_writing_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "trips.csv"
    path.write_text('{"externalId": "x"}\n')
    before = await table_counts(engine)

    job = await run_import(engine, path, ImportFormat.CSV)

    assert job.status == ImportStatus.FAILED
    assert "header row lacks" in job.error and "external_id" in job.error
    assert await table_counts(engine) == before


async def test_events_of_no_trip_in_the_file_are_rejected_by_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 6)
    trips_csv, events_csv = write_csv(tmp_path / "orphans.csv", made)
    lines = events_csv.read_text().splitlines()
    orphan = lines[1].split(",", 1)[1]  # an event's kind, severity and time
    lines.insert(2, f"no-such-trip,{orphan}")  # line 3
    lines.append(f"another-missing-trip,{orphan}")  # the last line
    events_csv.write_text("\n".join(lines) + "\n")
    before = await table_counts(engine)

    job = await run_import(engine, trips_csv, ImportFormat.CSV, events=events_csv, batch_rows=4)

    assert job.status == ImportStatus.PARTIAL, job.error
    assert (job.rows_read, job.rows_imported) == (6, 6)
    assert job.rows_rejected == 2
    rejected = [(r["line"], r["code"]) for r in json.loads(job.rejections)]
    assert rejected == [(3, "UNKNOWN_TRIP"), (len(lines), "UNKNOWN_TRIP")]
    after = await table_counts(engine)
    assert after["safety_events"] - before["safety_events"] == 18  # every matched event
    await assert_stats_exact(engine)
