from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base


class Vehicle(Base):
    """A vehicle; at most one per driver (`driver_id` is unique)."""

    __tablename__ = "vehicles"
    __table_args__ = (
        CheckConstraint("year BETWEEN 1900 AND 2100", name="year"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int | None] = mapped_column(
        ForeignKey("drivers.id", ondelete="SET NULL"), unique=True
    )
    make: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    year: Mapped[int]
    plate: Mapped[str] = mapped_column(String(32), unique=True)
    # The manufacturer's vehicle identification number (ISO 3779); null until known.
    vin: Mapped[str | None] = mapped_column(String(17))
