"""The job table as a queue: create, claim (with a lease), keep alive, record, finish.

A worker owns a job while its lease holds: `worker` is its token and
`heartbeat_at` is renewed by every committed batch and by a timer in
between. Claims take the oldest QUEUED job, or a RUNNING one whose lease ran
out (its worker died) while it has attempts left; `FOR UPDATE SKIP LOCKED`
lets any number of workers, on any number of hosts, claim at once without
taking the same job or waiting on each other (SQLite ignores the clause: its
single writer serializes claims). Every later write of the job names the
token, so a worker that lost its lease (and was replaced) changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Table, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ingest.rows import Rejection
from models import ImportFormat, ImportJob, ImportStatus

KEPT_REJECTIONS = 100  # the first rejected rows a job shows; the rest are only counted

table = ImportJob.__table__
assert isinstance(table, Table)
jobs: Table = table


class LeaseLost(Exception):
    """Another worker took the job over (this one was presumed dead)."""


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Lease:
    job_id: int
    token: str


@dataclass
class Progress:
    """What a job did so far, as committed (and what the next batch adds)."""

    lines_done: int = 0
    read: int = 0
    imported: int = 0
    duplicate: int = 0
    rejected: int = 0
    rejections: list[dict[str, Any]] | None = None

    @classmethod
    def of(cls, row: Row[Any]) -> Progress:
        return cls(
            row.lines_done,
            row.rows_read,
            row.rows_imported,
            row.rows_duplicate,
            row.rows_rejected,
            json.loads(row.rejections),
        )

    def reject(self, found: list[Rejection]) -> None:
        self.rejected += len(found)
        kept = self.rejections if self.rejections is not None else []
        kept += (r.as_json() for r in found[: max(KEPT_REJECTIONS - len(kept), 0)])
        self.rejections = kept


async def create(
    engine: AsyncEngine,
    *,
    format: ImportFormat,
    file_name: str,
    path: str,
    events_path: str | None = None,
    worker: str | None = None,
) -> int:
    """A new job: QUEUED, or RUNNING under `worker`'s lease (the CLI runs its own)."""
    started = now() if worker else None
    values = {
        "status": ImportStatus.RUNNING if worker else ImportStatus.QUEUED,
        "format": format.value,
        "file_name": file_name[:255],
        "path": path,
        "events_path": events_path,
        "created_at": now(),
        "started_at": started,
        "worker": worker,
        "heartbeat_at": started,
        "attempts": 1 if worker else 0,
        "lines_done": 0,
        "rows_read": 0,
        "rows_imported": 0,
        "rows_duplicate": 0,
        "rows_rejected": 0,
        "rejections": "[]",
    }
    async with engine.begin() as conn:
        return int(
            (await conn.execute(insert(jobs).values(values).returning(jobs.c.id))).scalar_one()
        )


async def claim(
    engine: AsyncEngine, token: str, *, lease_seconds: float, max_attempts: int
) -> Row[Any] | None:
    """The job this worker now holds, or None when there is nothing to do. Jobs whose
    workers died `max_attempts` times are marked FAILED on the way."""
    stale = now() - timedelta(seconds=lease_seconds)
    lapsed = and_(jobs.c.status == ImportStatus.RUNNING, jobs.c.heartbeat_at < stale)
    waiting = or_(jobs.c.status == ImportStatus.QUEUED, lapsed)
    async with engine.connect() as conn:  # idle polls read only (SQLite's writer stays free)
        if (await conn.execute(select(jobs.c.id).where(waiting).limit(1))).first() is None:
            return None
    async with engine.begin() as conn:
        await conn.execute(
            update(jobs)
            .where(lapsed, jobs.c.attempts >= max_attempts)
            .values(
                status=ImportStatus.FAILED,
                finished_at=now(),
                worker=None,
                error=f"its worker stopped {max_attempts} time(s) without finishing it",
            )
        )
        candidate = (
            select(jobs.c.id)
            .where(waiting)
            .order_by(jobs.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        job_id = (await conn.execute(candidate)).scalar()
        if job_id is None:
            return None
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                status=ImportStatus.RUNNING,
                worker=token,
                heartbeat_at=now(),
                started_at=func.coalesce(jobs.c.started_at, now()),
                attempts=jobs.c.attempts + 1,
            )
            .returning(*jobs.c)
        )
        return (await conn.execute(statement)).one()


async def heartbeat(engine: AsyncEngine, lease: Lease) -> bool:
    """Renew the lease; False once it is lost."""
    async with engine.begin() as conn:
        return await _renew(conn, lease, {})


async def _renew(conn: AsyncConnection, lease: Lease, values: dict[str, Any]) -> bool:
    statement = (
        update(jobs)
        .where(
            jobs.c.id == lease.job_id,
            jobs.c.worker == lease.token,
            jobs.c.status == ImportStatus.RUNNING,
        )
        .values(heartbeat_at=now(), **values)
    )
    return (await conn.execute(statement)).rowcount == 1


async def record(conn: AsyncConnection, lease: Lease, progress: Progress) -> None:
    """The progress, in the transaction of the batch it counts; `LeaseLost` rolls it back."""
    values = {
        "lines_done": progress.lines_done,
        "rows_read": progress.read,
        "rows_imported": progress.imported,
        "rows_duplicate": progress.duplicate,
        "rows_rejected": progress.rejected,
        "rejections": json.dumps(progress.rejections or []),
    }
    if not await _renew(conn, lease, values):
        raise LeaseLost(f"import job {lease.job_id} was taken over")


async def finish(
    engine: AsyncEngine, lease: Lease, status: ImportStatus, error: str | None = None
) -> bool:
    async with engine.begin() as conn:
        values = {"status": status, "finished_at": now(), "error": error}
        statement = (
            update(jobs)
            .where(jobs.c.id == lease.job_id, jobs.c.worker == lease.token)
            .values(**values)
        )
        return (await conn.execute(statement)).rowcount == 1


async def fetch(engine: AsyncEngine, job_id: int) -> Row[Any] | None:
    async with engine.connect() as conn:
        return (await conn.execute(select(jobs).where(jobs.c.id == job_id))).first()
