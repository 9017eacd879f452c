from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import NEVER_REUSE_IDS, Base
from models.enums import RiskLevel, sql_in_list


class Driver(Base):
    """A driver.

    `risk_score`/`risk_level` repeat the latest row of `risk_scores` so that
    ordering and filtering drivers by risk is an index seek, not a
    per-request "latest row per driver" scan; whoever writes a risk score
    updates them in the same transaction.
    """

    __tablename__ = "drivers"
    __table_args__ = (
        CheckConstraint(f"risk_level IN ({sql_in_list(RiskLevel)})", name="risk_level"),
        Index(None, "name", "id"),
        Index(None, "created_at", "id"),
        Index(None, "risk_score", "id"),
        Index(None, "region", "name", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    region: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    risk_score: Mapped[float | None] = mapped_column(Float)
    risk_level: Mapped[str | None] = mapped_column(String(16))
