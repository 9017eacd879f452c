"""SQLAlchemy ORM models: one table per module. Knows nothing of GraphQL."""

from models.base import Base, UTCDateTime
from models.driver import Driver
from models.driver_season_stats import DriverSeasonStats
from models.enums import RiskLevel, SafetyEventKind
from models.import_job import ImportFormat, ImportJob, ImportStatus
from models.risk_score import RiskScore
from models.safety_event import SafetyEvent
from models.season import Season
from models.trip import Trip
from models.vehicle import Vehicle

__all__ = [
    "Base",
    "Driver",
    "DriverSeasonStats",
    "ImportFormat",
    "ImportJob",
    "ImportStatus",
    "RiskLevel",
    "RiskScore",
    "SafetyEvent",
    "SafetyEventKind",
    "Season",
    "Trip",
    "UTCDateTime",
    "Vehicle",
]
