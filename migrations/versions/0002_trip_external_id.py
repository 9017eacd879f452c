"""trips.external_id: recordTrip's idempotency key, unique per driver

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

A nullable column (existing trips have no key) and a unique index on
(driver_id, external_id); NULLs never collide in a unique index, on
PostgreSQL and SQLite alike. Both steps are plain ALTER TABLE on both
backends: SQLite adds and (3.35+) drops a column in place, so the trips
table is never copied, and its foreign keys (safety_events cascade from
it) are never touched. Dropping the index first is what lets SQLite drop
the column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_trips_driver_id_external_id"


def upgrade() -> None:
    op.add_column("trips", sa.Column("external_id", sa.String(length=128), nullable=True))
    op.create_index(op.f(INDEX), "trips", ["driver_id", "external_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f(INDEX), table_name="trips")
    op.drop_column("trips", "external_id")
