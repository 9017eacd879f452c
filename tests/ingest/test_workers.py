"""Several workers share the queue: each job is run once, by one of them, exactly."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db import create_engine
from ingest import Options, Worker
from ingest import jobs as job_table
from models import ImportFormat, ImportStatus
from tests.ingest.files import drivers, season_start, trips, write_ndjson
from tests.mutations.database import assert_stats_exact, scalar
from writes import delete_trip


async def test_concurrent_workers_take_a_job_each_and_overlapping_files_stay_exact(
    engine: AsyncEngine, db_url: str, tmp_path: Path
) -> None:
    people = await drivers(engine)
    made = trips(people, await season_start(engine), 60)
    paths = [  # overlapping: every file repeats part of another's trips
        write_ndjson(tmp_path / "a.ndjson", made[:40]),
        write_ndjson(tmp_path / "b.ndjson", made[20:]),
        write_ndjson(tmp_path / "c.ndjson", made[10:50]),
    ]
    ids = [
        await job_table.create(engine, format=ImportFormat.NDJSON, file_name=p.name, path=str(p))
        for p in paths
    ]
    before = await scalar(engine, "SELECT COUNT(*) FROM trips")
    engines = [create_engine(db_url, pool_size=2) for _ in paths]
    try:
        workers = [
            Worker(own, Options(batch_rows=5), max_attempts=3, poll_seconds=0.1) for own in engines
        ]
        claimed = await asyncio.gather(*(worker.run_once() for worker in workers))
    finally:
        for own in engines:
            await own.dispose()

    assert sorted(job.id for job in claimed if job is not None) == sorted(ids)
    done = [await job_table.fetch(engine, job_id) for job_id in ids]
    assert all(job is not None and job.status == ImportStatus.SUCCEEDED for job in done)
    assert sum(job.rows_imported for job in done if job) == 60  # each trip once, somewhere
    assert sum(job.rows_duplicate for job in done if job) == 120 - 60
    assert await scalar(engine, "SELECT COUNT(*) FROM trips") == before + 60
    await assert_stats_exact(engine)


async def test_aggregates_stay_exact_when_imported_trips_are_deleted(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 12)
    path = write_ndjson(tmp_path / "then-deleted.ndjson", made)
    job_id = await job_table.create(
        engine, format=ImportFormat.NDJSON, file_name=path.name, path=str(path)
    )
    worker = Worker(engine, Options(batch_rows=5), max_attempts=3, poll_seconds=0.1)
    assert (await worker.run_once()) is not None
    job = await job_table.fetch(engine, job_id)
    assert job is not None and job.rows_imported == 12

    keys = ", ".join(f"'{trip['externalId']}'" for trip in made[:5])
    async with engine.connect() as conn:
        found = await conn.execute(text(f"SELECT id FROM trips WHERE external_id IN ({keys})"))
        trip_ids = list(found.scalars())
    assert len(trip_ids) == 5
    for trip_id in trip_ids:
        await delete_trip(engine, trip_id)

    await assert_stats_exact(engine)
