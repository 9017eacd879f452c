"""What to seed: sizes, seed number and the "today" the data is relative to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from seed.errors import SeedError

MAX_DRIVERS = 1_000_000
MAX_TRIPS_PER_DRIVER = 10_000
MAX_SEED = 2**31 - 1


def _check_bounded(name: str, value: object, high: int) -> None:
    # bool is an int subclass; `SeedPlan(drivers=True)` is a bug, not a size.
    if not isinstance(value, int) or isinstance(value, bool):
        raise SeedError(f"{name} must be an integer, got {value!r}")
    if not 0 <= value <= high:
        raise SeedError(f"{name} must be within 0..{high:,}, got {value:,}")


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """A deterministic demo data set: same plan (and anchor) → same rows, same ids.

    `anchor` is the instant the data ends at ("now" for the demo); None means
    UTC midnight of today, so a plan without an anchor is only deterministic
    within a day. Tests pin it.
    """

    drivers: int
    trips_per_driver: int
    seed: int = 42
    anchor: datetime | None = None

    def __post_init__(self) -> None:
        _check_bounded("drivers", self.drivers, MAX_DRIVERS)
        _check_bounded("trips_per_driver", self.trips_per_driver, MAX_TRIPS_PER_DRIVER)
        _check_bounded("seed", self.seed, MAX_SEED)
        if self.anchor is not None:
            if not isinstance(self.anchor, datetime):
                raise SeedError(f"anchor must be a datetime, got {self.anchor!r}")
            if self.anchor.tzinfo is None:
                raise SeedError("anchor must be timezone-aware (e.g. tzinfo=UTC)")

    @property
    def trips(self) -> int:
        return self.drivers * self.trips_per_driver

    def resolved_anchor(self) -> datetime:
        """The anchor in UTC; today's UTC midnight when none was given."""
        if self.anchor is not None:
            return self.anchor.astimezone(UTC)
        now = datetime.now(UTC)
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
