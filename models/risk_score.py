from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base
from models.enums import RiskLevel, sql_in_list


class RiskScore(Base):
    """Risk-score history; the latest `computed_at` (then id) wins."""

    __tablename__ = "risk_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 100", name="score"),
        CheckConstraint(f"level IN ({sql_in_list(RiskLevel)})", name="level"),
        Index(None, "driver_id", "computed_at", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[datetime]
