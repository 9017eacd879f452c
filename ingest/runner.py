"""Run one claimed job to its end: batches in, progress out, caches invalidated.

Each batch is one transaction on the import's own connection: the trips,
their events, the season sums and the job's progress commit together. After
each commit the batch's cache tags are invalidated, then the runner yields
to the event loop (and pauses, when throttled), so reads in the same
process keep their turn. Parsing runs in a thread for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ingest import csv_events, fields, jobs, load, staging
from ingest.batches import Reader
from ingest.jobs import Lease, LeaseLost, Progress
from ingest.rows import Batch, FormatError, TripRow
from models import ImportFormat, ImportStatus

logger = logging.getLogger("fleetgraph.ingest")

Invalidate = Callable[[set[str]], Awaitable[object]]
OnProgress = Callable[[Progress, int], None]  # (counts so far, bytes of the file read)


@dataclass(frozen=True, slots=True)
class Options:
    batch_rows: int = 10_000
    pause_seconds: float = 0.0
    lease_seconds: float = 60.0


async def _nothing(tags: set[str]) -> None:
    return None


async def run(
    engine: AsyncEngine,
    job: Row[Any],
    lease: Lease,
    options: Options,
    invalidate: Invalidate = _nothing,
    on_progress: OnProgress | None = None,
) -> ImportStatus:
    """The job's final status (FAILED with its reason when the file is not the
    format); `LeaseLost` when another worker took the job over meanwhile."""
    keep_alive = asyncio.create_task(_heartbeats(engine, lease, options.lease_seconds / 3))
    try:
        progress = Progress.of(job)
        try:
            await _import(engine, job, lease, progress, options, invalidate, on_progress)
        except FormatError as exc:
            await jobs.finish(engine, lease, ImportStatus.FAILED, exc.reason)
            return ImportStatus.FAILED
        status = ImportStatus.PARTIAL if progress.rejected else ImportStatus.SUCCEEDED
        if not await jobs.finish(engine, lease, status):
            raise LeaseLost(f"import job {lease.job_id} was taken over")
        return status
    finally:
        keep_alive.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keep_alive


async def _heartbeats(engine: AsyncEngine, lease: Lease, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            if not await jobs.heartbeat(engine, lease):
                return  # the next batch's commit finds out and stops
        except Exception:  # a blip must not end the job; the batches renew it too
            logger.warning("import job %s: heartbeat failed", lease.job_id, exc_info=True)


async def _import(
    engine: AsyncEngine,
    job: Row[Any],
    lease: Lease,
    progress: Progress,
    options: Options,
    invalidate: Invalidate,
    on_progress: OnProgress | None,
) -> None:
    format = ImportFormat(job.format)
    reader = await asyncio.to_thread(Reader, Path(job.path), format, progress.lines_done)
    upcoming: asyncio.Future[Batch | None] | None = None
    try:
        async with engine.connect() as conn:
            await staging.create(conn)
            await conn.commit()
            first = progress.lines_done == 0
            if job.events_path is not None:
                staged = await csv_events.stage(conn, Path(job.events_path), options.batch_rows)
                if first:  # counted once, with the first batch
                    progress.rejected += staged.rejected - len(staged.first_rejections)
                    progress.reject(staged.first_rejections)
            # A CSV's trips are checked once their events are attached (in `_commit`).
            check = job.events_path is None
            # The next batch is read (in its thread) while this one is written.
            upcoming = _read(reader, options.batch_rows, check)
            while batch := await upcoming:
                upcoming = _read(reader, options.batch_rows, check)
                first = False
                tags = await _commit(conn, lease, progress, batch, events=job.events_path)
                await invalidate(tags)
                if on_progress is not None:
                    on_progress(progress, reader.position)
                await asyncio.sleep(options.pause_seconds)
            if first and progress.read == 0:
                raise FormatError("the file holds no rows")
            if job.events_path is not None:
                async with conn.begin():  # events whose trip no batch took
                    orphans, first_orphans = await csv_events.unmatched(conn)
                    if orphans:
                        progress.rejected += orphans - len(first_orphans)
                        progress.reject(first_orphans)
                        await jobs.record(conn, lease, progress)
                    await staging.clear(conn, staging.staged_events)
    finally:
        if upcoming is not None and not upcoming.done():
            with contextlib.suppress(Exception):
                await upcoming  # its thread cannot be stopped: let it finish, then close
        reader.close()


def _read(reader: Reader, size: int, check: bool) -> asyncio.Future[Batch | None]:
    return asyncio.ensure_future(asyncio.to_thread(reader.next_batch, size, check=check))


async def _commit(
    conn: AsyncConnection, lease: Lease, progress: Progress, batch: Batch, *, events: str | None
) -> set[str]:
    """One batch, one transaction; the cache tags of what it changed."""
    async with conn.begin():
        rejected = list(batch.rejected)
        valid: list[TripRow] = batch.trips
        if events is not None:
            valid = []
            for row in await csv_events.attach(conn, batch.trips):
                found = fields.checked(row)
                if isinstance(found, TripRow):
                    valid.append(found)
                else:
                    rejected.append(found)
        written = await load.write(conn, valid)
        rejected += written.rejected
        rejected.sort(key=lambda r: r.line)
        progress.lines_done = batch.last_line
        progress.read += batch.read
        progress.imported += written.imported
        progress.duplicate += written.duplicates
        progress.reject(rejected)
        await jobs.record(conn, lease, progress)
    return written.tags()
