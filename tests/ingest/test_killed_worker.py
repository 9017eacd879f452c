"""A job whose process is killed mid-import: resumed by the next worker, or FAILED.

The importing process is a real `fleetgraph import trips`, throttled so it is
still running when the test kills it (SIGKILL: no clean-up of any kind). The
next worker claims the job once its lease lapsed and resumes after the last
committed batch: nothing is imported twice, nothing is missing, and the
counters add up as if the job had run once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from ingest import Options, Worker
from ingest import jobs as job_table
from models import ImportFormat, ImportStatus
from tests.faults.servers import spare_port
from tests.ingest.files import drivers, season_start, trips, write_ndjson
from tests.mutations.database import assert_stats_exact, scalar

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ROWS = 300
BATCH = 20
LEASE = 1.0  # seconds, for the worker that looks for lapsed jobs


def _start_import(db_url: str, path: Path, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPORT_", "DATABASE_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update(
        DATABASE_URL=db_url,
        REDIS_URL="",
        IMPORT_BATCH_ROWS=str(BATCH),
        IMPORT_BATCH_PAUSE_SECONDS="0.2",  # ~3 s for the file: long enough to be killed in
        IMPORT_LEASE_SECONDS="30",
    )
    command = [sys.executable, "-m", "cli.main", "import", "trips", str(path), "--no-progress"]
    return subprocess.Popen(command, cwd=cwd, env=env, stderr=subprocess.PIPE, text=True)


async def _killed_midway(engine: AsyncEngine, db_url: str, path: Path, cwd: Path) -> Any:
    """The job's row after its process was killed with some batches committed."""
    process = _start_import(db_url, path, cwd)
    try:
        deadline = time.monotonic() + 60
        job = None
        while time.monotonic() < deadline:
            job_id = await scalar(engine, "SELECT MAX(id) FROM import_jobs")
            job = await job_table.fetch(engine, job_id) if job_id else None
            if job is not None and job.file_name == path.name and job.rows_imported >= 3 * BATCH:
                break
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
    assert job is not None
    job = await job_table.fetch(engine, job.id)
    assert job is not None and job.status == ImportStatus.RUNNING
    assert 0 < job.rows_imported < ROWS, "killed in the middle"
    return job


async def test_a_killed_import_is_resumed_by_the_next_worker(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), ROWS)
    path = write_ndjson(tmp_path / "killed.ndjson", made)
    trips_before = await scalar(engine, "SELECT COUNT(*) FROM trips")

    killed = await _killed_midway(engine, db_url, path, tmp_path)
    worker = Worker(
        engine, Options(batch_rows=BATCH, lease_seconds=LEASE), max_attempts=3, poll_seconds=0.1
    )
    assert await worker.run_once() is None, "a live lease is not taken over"
    await asyncio.sleep(LEASE + 0.2)
    claimed = await worker.run_once()

    assert claimed is not None and claimed.id == killed.id and claimed.attempts == 2
    job = await job_table.fetch(engine, killed.id)
    assert job is not None and job.status == ImportStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_imported, job.rows_duplicate) == (ROWS, ROWS, 0)
    assert await scalar(engine, "SELECT COUNT(*) FROM trips") == trips_before + ROWS
    await assert_stats_exact(engine)


async def test_a_job_that_lost_its_last_attempt_is_marked_failed(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), ROWS)
    path = write_ndjson(tmp_path / "killed-again.ndjson", made)

    killed = await _killed_midway(engine, db_url, path, tmp_path)
    await asyncio.sleep(LEASE + 0.2)
    worker = Worker(
        engine, Options(batch_rows=BATCH, lease_seconds=LEASE), max_attempts=1, poll_seconds=0.1
    )

    assert await worker.run_once() is None
    job = await job_table.fetch(engine, killed.id)
    assert job is not None and job.status == ImportStatus.FAILED
    assert "worker stopped 1 time(s)" in job.error and job.finished_at is not None
    # What its batches committed stays, exact; nothing half-written.
    assert job.rows_imported == await scalar(
        engine,
        "SELECT COUNT(*) FROM trips WHERE external_id IN ("
        + ", ".join(f"'{trip['externalId']}'" for trip in made)
        + ")",
    )
    await assert_stats_exact(engine)


async def test_a_server_stopping_hands_its_running_job_back_to_the_queue(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), ROWS)
    path = write_ndjson(tmp_path / "stopped.ndjson", made)
    job_id = await job_table.create(
        engine, format=ImportFormat.NDJSON, file_name=path.name, path=str(path)
    )
    port = spare_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPORT_", "REDIS_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update(
        DATABASE_URL=db_url,
        SEED_ON_EMPTY="false",
        LOG_LEVEL="warning",
        IMPORT_POLL_SECONDS="0.1",
        IMPORT_BATCH_ROWS=str(BATCH),
        IMPORT_BATCH_PAUSE_SECONDS="0.2",
    )
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port)]
    process = subprocess.Popen(  # noqa: ASYNC220 (started once; the test polls it)
        command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            job = await job_table.fetch(engine, job_id)
            if job is not None and job.rows_imported >= 2 * BATCH:
                break
            assert process.poll() is None and time.monotonic() < deadline
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully (the lifespan's end included), then re-raises
        # the signal it caught: the status says SIGTERM either way.
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    handed = await job_table.fetch(engine, job_id)
    assert handed is not None and handed.status == ImportStatus.QUEUED
    assert handed.worker is None and handed.attempts == 0  # not counted as a failure
    assert 0 < handed.rows_imported < ROWS
    worker = Worker(engine, Options(batch_rows=BATCH), max_attempts=3, poll_seconds=0.1)
    assert (await worker.run_once()) is not None
    done = await job_table.fetch(engine, job_id)
    assert done is not None and done.status == ImportStatus.SUCCEEDED
    assert (done.rows_imported, done.rows_duplicate, done.attempts) == (ROWS, 0, 1)
    await assert_stats_exact(engine)
