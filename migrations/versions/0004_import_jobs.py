"""import_jobs: bulk trip imports, their queue and their history

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

A new table only: nothing existing is touched. The (status, id) index is what
a worker's claim reads (the oldest QUEUED job, or a RUNNING one whose lease
ran out).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("events_path", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("worker", sa.String(length=128), nullable=True),
        sa.Column("heartbeat_at", WHEN, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lines_done", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rejections", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED')",
            name=op.f("ck_import_jobs_status"),
        ),
        sa.CheckConstraint("format IN ('NDJSON', 'CSV')", name=op.f("ck_import_jobs_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_import_jobs_status_id"), "import_jobs", ["status", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_status_id"), table_name="import_jobs")
    op.drop_table("import_jobs")
