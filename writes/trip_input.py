"""A trip to record, with its safety events, and the rules it must satisfy.

The rules mirror the tables' CHECK constraints (docs/decisions/0003), so a
violation is reported as a problem on the offending input field instead of
surfacing as an integrity error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.enums import SafetyEventKind
from writes import checks
from writes.errors import Code, Problem
from writes.tables import trips

SCORES = (0, 100)
SEVERITIES = (1, 5)
# A bound on one trip keeps every sum finite (about 2.5 times around the Earth).
MAX_DISTANCE_KM = 100_000.0
MAX_EVENTS = 1_000
# `duration_s` is whole seconds and must be positive.
MIN_DURATION = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class EventSpec:
    kind: SafetyEventKind
    severity: int
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class TripSpec:
    started_at: datetime
    ended_at: datetime
    distance_km: float
    safety_score: int
    events: tuple[EventSpec, ...] = ()
    # The client's idempotency key, unique per driver (writes/trips.py); None: no key.
    external_id: str | None = None

    @property
    def duration_s(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds())

    def problems(self) -> list[Problem]:
        naive = [
            *checks.aware(("startedAt",), self.started_at),
            *checks.aware(("endedAt",), self.ended_at),
        ]
        found = [
            *naive,
            *self._distance_problems(),
            *checks.within(("safetyScore",), self.safety_score, *SCORES),
        ]
        if self.external_id is not None:
            found += checks.key(("externalId",), self.external_id, trips.c.external_id)
        if naive:  # the remaining checks compare against the trip's times
            return found
        if self.ended_at - self.started_at < MIN_DURATION:
            message = "endedAt must be at least one second after startedAt"
            found.append(Problem(("endedAt",), message, Code.INVALID_TIME_RANGE))
        if len(self.events) > MAX_EVENTS:
            message = f"a trip has at most {MAX_EVENTS} safety events"
            found.append(Problem(("safetyEvents",), message, Code.TOO_MANY))
            return found
        for index, event in enumerate(self.events):
            found += self._event_problems(("safetyEvents", str(index)), event)
        return found

    def _distance_problems(self) -> list[Problem]:
        if 0 < self.distance_km <= MAX_DISTANCE_KM:
            return []
        message = f"distanceKm must be above 0 and at most {MAX_DISTANCE_KM:g}"
        return [Problem(("distanceKm",), message, Code.OUT_OF_RANGE)]

    def _event_problems(self, at: tuple[str, ...], event: EventSpec) -> list[Problem]:
        found = checks.within((*at, "severity"), event.severity, *SEVERITIES)
        when = (*at, "occurredAt")
        if naive := checks.aware(when, event.occurred_at):
            return [*found, *naive]
        if not self.started_at <= event.occurred_at <= self.ended_at:
            message = "occurredAt must be within the trip's startedAt..endedAt"
            found.append(Problem(when, message, Code.OUT_OF_RANGE))
        return found
