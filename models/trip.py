from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base

# The longest idempotency key a client may send with a trip (`external_id`).
EXTERNAL_ID_LENGTH = 128


class Trip(Base):
    """A finished trip. Every keyset order (per driver and fleet-wide) has an index.

    `external_id` is the recording client's idempotency key: unique per driver
    (NULLs never collide), so a retried recordTrip finds its first trip instead
    of recording a second one (writes/trips.py).
    """

    __tablename__ = "trips"
    __table_args__ = (
        CheckConstraint("ended_at > started_at", name="window"),
        CheckConstraint("distance_km > 0", name="distance"),
        CheckConstraint("duration_s > 0", name="duration"),
        CheckConstraint("safety_score BETWEEN 0 AND 100", name="safety_score"),
        Index(None, "driver_id", "started_at", "id"),
        Index(None, "driver_id", "distance_km", "id"),
        Index(None, "driver_id", "safety_score", "id"),
        Index(None, "started_at", "id"),
        Index(None, "distance_km", "id"),
        Index(None, "safety_score", "id"),
        Index(None, "vehicle_id"),
        Index(None, "driver_id", "external_id", unique=True),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id", ondelete="SET NULL"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    distance_km: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[int]
    safety_score: Mapped[int]
    external_id: Mapped[str | None] = mapped_column(String(EXTERNAL_ID_LENGTH))
