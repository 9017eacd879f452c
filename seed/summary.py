"""What a seed run wrote, for the CLI's one-line report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeedSummary:
    drivers: int
    vehicles: int
    trips: int
    safety_events: int
    risk_scores: int
    seasons: int
    driver_season_stats: int
    seconds: float

    @property
    def rows(self) -> int:
        return (
            self.drivers
            + self.vehicles
            + self.trips
            + self.safety_events
            + self.risk_scores
            + self.seasons
            + self.driver_season_stats
        )

    def describe(self) -> str:
        return (
            f"seeded {self.drivers:,} drivers, {self.trips:,} trips, "
            f"{self.safety_events:,} safety events in {self.seconds:.1f} s"
        )
