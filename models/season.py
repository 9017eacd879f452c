from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base


class Season(Base):
    """A leaderboard period: [starts_at, ends_at)."""

    __tablename__ = "seasons"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="window"),
        Index(None, "starts_at", "ends_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
