from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base
from models.enums import SafetyEventKind, sql_in_list


class SafetyEvent(Base):
    __tablename__ = "safety_events"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in_list(SafetyEventKind)})", name="kind"),
        CheckConstraint("severity BETWEEN 1 AND 5", name="severity"),
        Index(None, "trip_id", "occurred_at", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int]
    occurred_at: Mapped[datetime]
