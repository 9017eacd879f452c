"""Bulk import jobs (ingest/): their state, counts, first rejected rows and timings."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row
from strawberry.file_uploads import Upload

from global_ids import encode_id
from gql.types.connection import Connection
from gql.types.payloads import UserError
from models import ImportFormat, ImportStatus

# The domain enums are the GraphQL enums (strawberry.enum registers the class itself).
strawberry.enum(ImportFormat)
strawberry.enum(ImportStatus, name="ImportJobStatus")

__all__ = ["ImportFormat", "ImportJob", "ImportJobConnection", "ImportStatus", "Upload"]


@strawberry.type(description="A row the import did not take: where, and why.")
class ImportRejection:
    line: int = strawberry.field(description="Line of the file (of the events file for events).")
    code: str
    message: str
    field: str | None


@strawberry.type(description="A bulk import of trips, running in the background.")
class ImportJob:
    id: strawberry.ID
    status: ImportStatus
    format: ImportFormat
    file_name: str
    rows_read: int = strawberry.field(description="Rows read so far (blank lines are not rows).")
    rows_imported: int
    rows_duplicate: int = strawberry.field(
        description="Rows skipped: the driver already has a trip with the externalId."
    )
    rows_rejected: int
    rejections: list[ImportRejection] = strawberry.field(
        description="The first rejected rows (at most 100), by line."
    )
    error: str | None = strawberry.field(description="Why the job FAILED.")
    attempts: int = strawberry.field(
        description="Workers that have run the job (more than one: a worker died)."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: Row[Any]) -> ImportJob:
        return cls(
            id=strawberry.ID(encode_id("ImportJob", row.id)),
            status=ImportStatus(row.status),
            format=ImportFormat(row.format),
            file_name=row.file_name,
            rows_read=row.rows_read,
            rows_imported=row.rows_imported,
            rows_duplicate=row.rows_duplicate,
            rows_rejected=row.rows_rejected,
            rejections=[ImportRejection(**found) for found in json.loads(row.rejections)],
            error=row.error,
            attempts=row.attempts,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


@strawberry.type
class ImportJobConnection(Connection[ImportJob]):
    """Import jobs, newest first."""

    total: strawberry.Private[int]

    @classmethod
    def node_of(cls, row: Row[Any]) -> ImportJob:
        return ImportJob.of(row)

    @strawberry.field
    def total_count(self) -> int:
        return self.total


@strawberry.type
class ImportTripsPayload:
    job: ImportJob | None
    user_errors: list[UserError]
