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
    __table_args__ = (Index(None, "driver_id"),)

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


# Leaderboard orders: the metric in its direction, ties by driver id
# ascending, so each page is one forward index scan within the season.
_stats = DriverSeasonStats
Index(
    "ix_driver_season_stats_safety_score",
    _stats.season_id,
    _stats.safety_score.desc(),
    _stats.driver_id,
)
Index(
    "ix_driver_season_stats_distance", _stats.season_id, _stats.distance_km.desc(), _stats.driver_id
)
Index("ix_driver_season_stats_trips", _stats.season_id, _stats.trips.desc(), _stats.driver_id)
Index(
    "ix_driver_season_stats_events_per_100km",
    _stats.season_id,
    _stats.events_per_100km,
    _stats.driver_id,
)
