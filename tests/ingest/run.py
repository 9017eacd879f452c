"""Running an import the way a worker does: a job row, claimed and run to its end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from ingest import Options, Worker
from ingest import jobs as job_table
from models import ImportFormat


async def run_import(
    engine: AsyncEngine,
    path: Path,
    format: ImportFormat = ImportFormat.NDJSON,
    *,
    events: Path | None = None,
    batch_rows: int = 7,
) -> Row[Any]:
    """The job's row once a worker finished it (small batches: many commits)."""
    job_id = await job_table.create(
        engine,
        format=format,
        file_name=path.name,
        path=str(path),
        events_path=None if events is None else str(events),
    )
    worker = Worker(engine, Options(batch_rows=batch_rows), max_attempts=3, poll_seconds=0.1)
    claimed = await worker.run_once()
    assert claimed is not None and claimed.id == job_id
    found = await job_table.fetch(engine, job_id)
    assert found is not None
    return found
