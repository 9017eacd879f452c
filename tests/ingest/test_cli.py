"""`fleetgraph import trips` as a user runs it: summary, rejected lines, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.cli.test_cli import assert_one_line_failure, run_cli
from tests.ingest.files import drivers, season_start, trips, write_csv, write_ndjson
from tests.mutations.database import scalar


async def test_an_import_prints_its_summary_and_rejected_lines(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 8)
    path = write_ndjson(tmp_path / "cli.jsonl.gz", [*made, "nope"])

    result = run_cli(tmp_path, "import", "trips", str(path), "--no-progress", DATABASE_URL=db_url)

    assert result.returncode == 0, result.stderr
    assert "PARTIAL: read 9, imported 8, duplicates 0, rejected 1" in result.stderr
    assert "line 9: MALFORMED: not valid JSON" in result.stderr
    job = await scalar(engine, "SELECT rejections FROM import_jobs ORDER BY id DESC LIMIT 1")
    assert json.loads(job)[0]["line"] == 9


async def test_csv_with_events_and_a_detached_job(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 4)
    trips_csv, events_csv = write_csv(tmp_path / "cli.csv", made)

    result = run_cli(
        tmp_path, "import", "trips", str(trips_csv), "--events", str(events_csv),
        "--no-progress", DATABASE_URL=db_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "SUCCEEDED: read 4, imported 4" in result.stderr

    queued = run_cli(tmp_path, "import", "trips", str(trips_csv), "--detach", DATABASE_URL=db_url)
    assert queued.returncode == 0, queued.stderr
    assert "queued" in queued.stderr
    assert await scalar(engine, "SELECT status FROM import_jobs ORDER BY id DESC LIMIT 1") == (
        "QUEUED"
    )
    worker = run_cli(tmp_path, "import", "worker", "--once", DATABASE_URL=db_url)
    assert worker.returncode == 0, worker.stderr
    assert "SUCCEEDED: read 4, imported 0, duplicates 4" in worker.stderr


def test_a_file_that_is_not_the_format_ends_with_its_reason_and_status_1(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "trips.ndjson"
    path.write_text("external_id,driver_email\n")
    result = run_cli(tmp_path, "import", "trips", str(path), "--no-progress", DATABASE_URL=db_url)
    # The summary, then the failure as the last line; exit status 1, no traceback.
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("fleetgraph import: import job") and "FAILED" in last
    assert "not NDJSON" in last

    missing = tmp_path / "trips.xlsx"
    unknown = run_cli(tmp_path, "import", "trips", str(missing), DATABASE_URL=db_url)
    assert "no such file" in assert_one_line_failure(unknown)
