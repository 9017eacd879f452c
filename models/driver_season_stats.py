from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DriverSeasonStats(Base):
    """Per-season, per-driver aggregate of trips; what the leaderboard reads.

    Kept exact by the transaction that writes or deletes a trip. A season is
    the one whose window holds the trip's `started_at`. The two derived
    metric columns exist so each leaderboard order is an index seek:
      safety_score     = score_distance / distance_km (distance-weighted mean)
      events_per_100km = safety_events * 100 / distance_km
    Rows exist only for drivers with at least one trip in the season.
    """

    __tablename__ = "driver_season_stats"
    __table_args__ = (
        Index(None, "season_id", "safety_score", "driver_id"),
        Index(None, "season_id", "distance_km", "driver_id"),
        Index(None, "season_id", "trips", "driver_id"),
        Index(None, "season_id", "events_per_100km", "driver_id"),
        Index(None, "driver_id"),
    )

    season_id: Mapped[int] = mapped_column(
        ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True
    )
    driver_id: Mapped[int] = mapped_column(
        ForeignKey("drivers.id", ondelete="CASCADE"), primary_key=True
    )
    trips: Mapped[int]
    distance_km: Mapped[float] = mapped_column(Float)
    score_distance: Mapped[float] = mapped_column(Float)
    safety_events: Mapped[int]
    safety_score: Mapped[float] = mapped_column(Float)
    events_per_100km: Mapped[float] = mapped_column(Float)
    harsh_braking: Mapped[int]
    rapid_acceleration: Mapped[int]
    speeding: Mapped[int]
    sharp_turn: Mapped[int]
    phone_use: Mapped[int]
