"""A worker: claims jobs from the table and runs them, one at a time, until stopped.

Server processes run `IMPORT_WORKERS` of these (gql/app.py), `fleetgraph
import worker` runs one on its own; all share the queue through the table.
The worker's database work goes through its own small engine, apart from
the pools that serve reads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Row, update
from sqlalchemy.ext.asyncio import AsyncEngine

from ingest import jobs, runner
from ingest.jobs import Lease, LeaseLost
from models import ImportStatus

logger = logging.getLogger("fleetgraph.ingest")


def worker_token(kind: str = "worker") -> str:
    """Who holds a lease: host, process and a random part (a restarted process with
    the same pid is another worker)."""
    return f"{kind}:{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        engine: AsyncEngine,
        options: runner.Options,
        *,
        max_attempts: int,
        poll_seconds: float,
        invalidate: runner.Invalidate = runner._nothing,
        spool_dir: Path | None = None,
    ) -> None:
        self.engine = engine
        self.options = options
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.invalidate = invalidate
        self.spool_dir = spool_dir  # uploads kept there are deleted once their job ended
        self.token = worker_token()

    async def run_once(self) -> Row[Any] | None:
        """Claim one job and run it; the job as claimed, or None when none waited."""
        job = await jobs.claim(
            self.engine,
            self.token,
            lease_seconds=self.options.lease_seconds,
            max_attempts=self.max_attempts,
        )
        if job is None:
            return None
        lease = Lease(job.id, self.token)
        logger.info("import job %s: claimed (attempt %s)", job.id, job.attempts)
        try:
            status = await runner.run(self.engine, job, lease, self.options, self.invalidate)
        except LeaseLost:
            logger.warning("import job %s: lease lost to another worker", job.id)
            return job
        except asyncio.CancelledError:
            await _release(self.engine, lease)
            raise
        except Exception as exc:  # an unexpected failure ends this job, not the worker
            logger.exception("import job %s failed", job.id)
            await jobs.finish(self.engine, lease, ImportStatus.FAILED, f"internal error: {exc!r}")
            self._forget_uploads(job)
            return job
        logger.info("import job %s: %s", job.id, status)
        self._forget_uploads(job)
        return job

    def _forget_uploads(self, job: Row[Any]) -> None:
        if self.spool_dir is None:
            return
        spool = self.spool_dir.resolve()
        for name in (job.path, job.events_path):
            if name is not None and Path(name).parent == spool:
                Path(name).unlink(missing_ok=True)

    async def run_forever(self) -> None:
        while True:
            try:
                found = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away: try again later
                logger.warning("import worker: cannot claim jobs", exc_info=True)
                found = None
            if found is None:
                await asyncio.sleep(self.poll_seconds)


async def _release(engine: AsyncEngine, lease: Lease) -> None:
    """On a clean stop, hand the job back at once instead of after its lease
    (not counted as an attempt: nothing went wrong with it)."""
    statement = (
        update(jobs.jobs)
        .where(jobs.jobs.c.id == lease.job_id, jobs.jobs.c.worker == lease.token)
        .values(status=ImportStatus.QUEUED, worker=None, attempts=jobs.jobs.c.attempts - 1)
    )
    try:
        async with engine.begin() as conn:
            await conn.execute(statement)
    except Exception:
        logger.warning("import job %s: not released; its lease will lapse", lease.job_id)
