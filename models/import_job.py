"""A bulk import of trips (ingest/): its file, its state and what it did so far.

The table is the job queue as well as its history: workers claim QUEUED jobs
(and RUNNING ones whose lease ran out: their worker died) with `FOR UPDATE SKIP
LOCKED` on PostgreSQL (docs/decisions/0032a). `lines_done` and the counters are
written in the same transaction as each batch of trips, so a resumed job skips
exactly the lines already committed and counts nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base
from models.enums import sql_in_list


class ImportStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    PARTIAL = "PARTIAL"  # done, some rows rejected
    FAILED = "FAILED"  # stopped: not the format, unreadable, or its workers kept dying


class ImportFormat(StrEnum):
    NDJSON = "NDJSON"
    CSV = "CSV"


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in_list(ImportStatus)})", name="status"),
        CheckConstraint(f"format IN ({sql_in_list(ImportFormat)})", name="format"),
        Index(None, "status", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    # Where workers read the file (and the events CSV): the CLI's own path, or the
    # spool directory the server wrote an upload to.
    path: Mapped[str] = mapped_column(Text)
    events_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The lease: who runs the job and until when it counts as alive.
    worker: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int]
    lines_done: Mapped[int]
    rows_read: Mapped[int]
    rows_imported: Mapped[int]
    rows_duplicate: Mapped[int]
    rows_rejected: Mapped[int]
    # JSON list of the first rejected rows: {"line", "code", "message", "field"}.
    rejections: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
