"""vehicles.vin: the vehicle identification number, read as Vehicle.vin

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

A nullable column: vehicles recorded so far (and those createDriver and
updateDriver attach, whose input has no VIN) have none. A plain ALTER TABLE
on both backends: SQLite adds and (3.35+) drops a column in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("vehicles", sa.Column("vin", sa.String(length=17), nullable=True))


def downgrade() -> None:
    op.drop_column("vehicles", "vin")
