"""Per-request loaders, built lazily and reached by attribute (never by string)."""

from __future__ import annotations

from functools import cached_property

from aiodataloader import DataLoader

from loaders.database import Database
from loaders.driver import DriverByIdLoader
from loaders.driver_stats import RankByDriverLoader, StatsByDriverSeasonLoader
from loaders.risk_score import LatestRiskScoreByDriverIdLoader
from loaders.safety_event import (
    SafetyEventByIdLoader,
    SafetyEventCountByTripIdLoader,
    SafetyEventPageByTripIdLoader,
)
from loaders.season import SeasonByIdLoader
from loaders.trip import TripByIdLoader, TripCountByDriverIdLoader, TripPageByDriverIdLoader
from loaders.vehicle import VehicleByDriverIdLoader, VehicleByIdLoader


class Loaders:
    """One instance per request: its caches must never outlive the request."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def close(self) -> None:
        """Forget every loaded value (see context.Context.close)."""
        built = vars(self)
        for name, value in list(built.items()):
            if isinstance(value, DataLoader):
                value.clear_all()
                del built[name]

    @cached_property
    def driver_by_id(self) -> DriverByIdLoader:
        return DriverByIdLoader(self.db)

    @cached_property
    def vehicle_by_id(self) -> VehicleByIdLoader:
        return VehicleByIdLoader(self.db)

    @cached_property
    def vehicle_by_driver_id(self) -> VehicleByDriverIdLoader:
        return VehicleByDriverIdLoader(self.db)

    @cached_property
    def latest_risk_score_by_driver_id(self) -> LatestRiskScoreByDriverIdLoader:
        return LatestRiskScoreByDriverIdLoader(self.db)

    @cached_property
    def trip_by_id(self) -> TripByIdLoader:
        return TripByIdLoader(self.db)

    @cached_property
    def trip_page_by_driver_id(self) -> TripPageByDriverIdLoader:
        return TripPageByDriverIdLoader(self.db)

    @cached_property
    def trip_count_by_driver_id(self) -> TripCountByDriverIdLoader:
        return TripCountByDriverIdLoader(self.db)

    @cached_property
    def safety_event_by_id(self) -> SafetyEventByIdLoader:
        return SafetyEventByIdLoader(self.db)

    @cached_property
    def safety_event_page_by_trip_id(self) -> SafetyEventPageByTripIdLoader:
        return SafetyEventPageByTripIdLoader(self.db)

    @cached_property
    def safety_event_count_by_trip_id(self) -> SafetyEventCountByTripIdLoader:
        return SafetyEventCountByTripIdLoader(self.db)

    @cached_property
    def season_by_id(self) -> SeasonByIdLoader:
        return SeasonByIdLoader(self.db)

    @cached_property
    def stats_by_driver_season(self) -> StatsByDriverSeasonLoader:
        return StatsByDriverSeasonLoader(self.db)

    @cached_property
    def rank_by_driver(self) -> RankByDriverLoader:
        return RankByDriverLoader(self.db)
