"""`Server-Timing`: where a request's time went, for a frontend developer's devtools.

Off unless SERVER_TIMING (default: on in development): the middleware then
gives the request record a `Phases`, and each phase's code adds its time
to it. Off, a phase's code reads the record's `phases` (None) and does
nothing else: no clock read, no allocation.

    phases = current_phases()
    started = perf_counter() if phases is not None else 0.0
    ...
    if phases is not None:
        phases.parse += perf_counter() - started

parse: parsing and validating new documents; cache: response-cache lookups
and stores; db: SQL statements (summed: a level's statements may overlap);
execute: the operation from admission to its result (db included); total:
until the response starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from observability.request import current_request

HEADER = b"server-timing"


@dataclass(slots=True)
class Phases:
    parse: float = 0.0  # seconds
    cache: float = 0.0
    db: float = 0.0
    execute: float = 0.0

    def header(self, total: float) -> bytes:
        return b"parse;dur=%.3f, cache;dur=%.3f, db;dur=%.3f, execute;dur=%.3f, total;dur=%.3f" % (
            self.parse * 1000,
            self.cache * 1000,
            self.db * 1000,
            self.execute * 1000,
            total * 1000,
        )


def current_phases() -> Phases | None:
    """The current request's phases, or None when Server-Timing is off."""
    record = current_request()
    return None if record is None else record.phases
