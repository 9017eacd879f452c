"""Deterministic row generation: plain tuples, one `Random` per driver.

Every driver draws from its own `Random((seed << 32) | driver_id)`, so a
driver's rows depend only on the seed, the anchor and its id; ids are handed
out in generation order (driver 1's trips first). Times are whole epoch
seconds, turned into the backend's timestamp representation by `stamp`
(aware datetimes for asyncpg, naive UTC strings for SQLite) while the tuple
is built, because a second pass over millions of rows would cost as much as
generating them.

The hot loops bind everything to locals and call `Random.random()` directly
(`randrange`/`choices`/`gauss` are several times slower): at benchmark scale
they run a million times for trips and three million times for events.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from random import Random
from typing import Any, Generic, TypeVar

from models.enums import RiskLevel, SafetyEventKind
from seed.plan import SeedPlan
from seed.seasons import SeasonWindow
from seed.vocabulary import (
    FIRST_NAMES,
    FIRST_VEHICLE_YEAR,
    LAST_NAMES,
    LAST_VEHICLE_YEAR,
    REGIONS,
    VEHICLES,
)

T = TypeVar("T")
Row = tuple[Any, ...]

DRIVER_COLUMNS = (
    "id", "name", "email", "region", "created_at", "updated_at", "risk_score", "risk_level",
)  # fmt: skip
VEHICLE_COLUMNS = ("id", "driver_id", "make", "model", "year", "plate", "vin")
RISK_SCORE_COLUMNS = ("id", "driver_id", "score", "level", "computed_at")
TRIP_COLUMNS = (
    "id", "driver_id", "vehicle_id", "started_at", "ended_at", "distance_km", "duration_s",
    "safety_score",
)  # fmt: skip
SAFETY_EVENT_COLUMNS = ("id", "trip_id", "kind", "severity", "occurred_at")

DAY_S = 86_400
MIN_TRIP_S = 300
MAX_TRIP_S = 7_200
MAX_EVENTS_PER_TRIP = 6
# Fleet-wide event mix; each driver skews it a little so per-kind leaderboards differ.
KIND_WEIGHTS = {
    SafetyEventKind.SPEEDING: 30.0,
    SafetyEventKind.HARSH_BRAKING: 25.0,
    SafetyEventKind.RAPID_ACCELERATION: 20.0,
    SafetyEventKind.SHARP_TURN: 15.0,
    SafetyEventKind.PHONE_USE: 10.0,
}
# Cumulative probabilities of severity 1..4 (5 takes the rest): mostly minor.
SEVERITY_CUMULATIVE = (0.35, 0.65, 0.85, 0.95)


@dataclass(slots=True)
class Batch(Generic[T]):
    """The rows of a run of consecutive drivers, in insert (foreign-key) order."""

    drivers: list[Row] = field(default_factory=list)
    vehicles: list[Row] = field(default_factory=list)
    risk_scores: list[Row] = field(default_factory=list)
    trips: list[Row] = field(default_factory=list)
    safety_events: list[Row] = field(default_factory=list)


def driver_random(seed: int, driver_id: int) -> Random:
    # Seeds below 2**31 and ids below 2**32 never collide in this packing.
    return Random((seed << 32) | driver_id)


def _events_cumulative(p: float) -> list[float]:
    """P(N <= k) for k = 0..5, N ~ Binomial(6, p); bisecting a uniform draw gives N."""
    n = MAX_EVENTS_PER_TRIP
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n)]
    return list(accumulate(pmf))


def _clamp_score(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 2)


class RowGenerator(Generic[T]):
    """Yields `Batch`es for a plan; `stamp` turns epoch seconds into timestamps."""

    def __init__(
        self,
        plan: SeedPlan,
        seasons: list[SeasonWindow],
        anchor: datetime,
        stamp: Callable[[int], T],
    ) -> None:
        self.plan = plan
        self.stamp = stamp
        self.first_s = int(seasons[0].starts_at.timestamp())
        self.anchor_s = math.floor(anchor.timestamp())
        # The seasons span at least nine months, so every trip duration fits.
        self.next_risk_id = 1
        self.next_trip_id = 1
        self.next_event_id = 1

    def batches(self, drivers_per_batch: int) -> Iterator[Batch[T]]:
        for first in range(1, self.plan.drivers + 1, drivers_per_batch):
            batch: Batch[T] = Batch()
            for driver_id in range(first, min(first + drivers_per_batch, self.plan.drivers + 1)):
                self._driver(driver_id, batch)
            yield batch

    def _driver(self, driver_id: int, batch: Batch[T]) -> None:
        stamp = self.stamp
        rng = driver_random(self.plan.seed, driver_id)
        rand = rng.random

        # Profile: `q` in [0, 1) is how risky the driver is; it drives event
        # counts, trip scores and the risk-score history so they agree.
        first_name = FIRST_NAMES[int(rand() * len(FIRST_NAMES))]
        name = f"{first_name} {LAST_NAMES[int(rand() * len(LAST_NAMES))]}"
        region = REGIONS[int(rand() * len(REGIONS))]
        created_s = self.first_s - DAY_S - int(rand() * 3 * 365 * DAY_S)
        q = rand()

        make, models = VEHICLES[int(rand() * len(VEHICLES))]
        model = models[int(rand() * len(models))]
        year = FIRST_VEHICLE_YEAR + int(rand() * (LAST_VEHICLE_YEAR - FIRST_VEHICLE_YEAR + 1))
        vehicle_id = driver_id  # one vehicle per driver, same id
        plate, vin = f"FG-{driver_id:07d}", f"1FGDM{vehicle_id:012d}"  # 17 characters
        batch.vehicles.append((vehicle_id, driver_id, make, model, year, plate, vin))

        # History: 0..3 strictly increasing instants in [first season start, anchor - 1 s),
        # illustrative scores; the latest row, at anchor - 1 s, is the risk model's,
        # computed from the loaded trips by the database (seed/run.py, writes/risk.py).
        earlier = int(rand() * 4)
        history = sorted(rng.sample(range(self.first_s, self.anchor_s - 1), earlier))
        for computed_s in history:
            score = _clamp_score(q * 100.0 + rng.gauss(0.0, 8.0))
            batch.risk_scores.append(
                (
                    self.next_risk_id,
                    driver_id,
                    score,
                    RiskLevel.for_score(score).value,
                    stamp(computed_s),
                )
            )
            self.next_risk_id += 1
        created = stamp(created_s)
        batch.drivers.append(
            (
                driver_id,
                name,
                f"driver{driver_id}@fleet.example",
                region,
                created,
                created,
                None,  # set with the model's row (seed/run.py)
                None,
            )
        )

        kinds = list(KIND_WEIGHTS)
        kind_cumulative = list(accumulate(KIND_WEIGHTS[k] * (0.5 + rand()) for k in kinds))
        kind_total = kind_cumulative.pop()  # the last kind takes the rest
        kind_cumulative = [c / kind_total for c in kind_cumulative]
        kind_names = [k.value for k in kinds]
        events_cumulative = _events_cumulative(0.2 + 0.6 * q)  # mean 1.2..4.8, ~3 overall
        base_score = 103 - int(12 * q)
        self._trips(
            batch, driver_id, vehicle_id, rand, stamp,
            kind_names, kind_cumulative, events_cumulative, base_score,
        )  # fmt: skip

    def _trips(
        self,
        batch: Batch[T],
        driver_id: int,
        vehicle_id: int,
        rand: Callable[[], float],
        stamp: Callable[[int], T],
        kind_names: list[str],
        kind_cumulative: list[float],
        events_cumulative: list[float],
        base_score: int,
    ) -> None:
        trips_append = batch.trips.append
        events_append = batch.safety_events.append
        severity_cumulative = SEVERITY_CUMULATIVE
        bisect = bisect_right
        first_s = self.first_s
        span = self.anchor_s - first_s
        trip_id = self.next_trip_id
        event_id = self.next_event_id
        duration_range = MAX_TRIP_S - MIN_TRIP_S + 1
        for _ in range(self.plan.trips_per_driver):
            duration = MIN_TRIP_S + int(rand() * duration_range)
            # Ends before the anchor: no trip is still running "now".
            started = first_s + int(rand() * (span - duration))
            distance = round(duration * (15.0 + rand() * 95.0) / 3600.0, 3)  # 15..110 km/h
            events = bisect(events_cumulative, rand())
            score = base_score - 4 * events - int(rand() * 15)
            trips_append(
                (
                    trip_id,
                    driver_id,
                    vehicle_id,
                    stamp(started),
                    stamp(started + duration),
                    distance,
                    duration,
                    100 if score > 100 else (score if score > 0 else 0),
                )
            )
            for _ in range(events):
                events_append(
                    (
                        event_id,
                        trip_id,
                        kind_names[bisect(kind_cumulative, rand())],
                        bisect(severity_cumulative, rand()) + 1,
                        stamp(started + int(rand() * duration)),
                    )
                )
                event_id += 1
            trip_id += 1
        self.next_trip_id = trip_id
        self.next_event_id = event_id
