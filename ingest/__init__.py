"""Bulk trip imports: files in, set-wise loads, jobs that survive their workers.

A job is a row of `import_jobs` (ingest/jobs.py); a worker claims it and
runs it batch by batch (ingest/runner.py): rows are read and checked
(ingest/ndjson.py, ingest/csv_rows.py), loaded set-wise (ingest/load.py:
COPY into staging on PostgreSQL, batched statements on SQLite) and counted,
one transaction per batch. docs/decisions/0032a says why it is built so.
"""

from ingest.jobs import KEPT_REJECTIONS, Lease, LeaseLost, Progress
from ingest.rows import FormatError, Rejection
from ingest.runner import Invalidate, Options
from ingest.worker import Worker, worker_token

__all__ = [
    "KEPT_REJECTIONS",
    "FormatError",
    "Invalidate",
    "Lease",
    "LeaseLost",
    "Options",
    "Progress",
    "Rejection",
    "Worker",
    "worker_token",
]
