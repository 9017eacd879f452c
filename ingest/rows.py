"""One row of an import file: a trip to load, or the reason it is rejected."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from writes import TripSpec


class RowCode(StrEnum):
    """Rejection codes of the import itself; the trip's own rules add writes.Code's
    (OUT_OF_RANGE, INVALID_TIME_RANGE, INVALID_DATETIME, NOT_FOUND, ...)."""

    MALFORMED = "MALFORMED"  # not a JSON object, wrong number of CSV fields, not UTF-8
    MISSING_FIELD = "MISSING_FIELD"
    INVALID_VALUE = "INVALID_VALUE"  # wrong type, not a number, unknown event kind
    UNKNOWN_TRIP = "UNKNOWN_TRIP"  # an events file's row whose trip is in no trips file


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    code: str
    message: str
    field: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True, slots=True)
class TripRow:
    """A trip that passed every check a row can pass alone (its driver is looked up
    with its batch). Exactly one of `driver_id` / `driver_email` is set."""

    line: int
    spec: TripSpec
    external_id: str
    driver_id: int | None = None
    driver_email: str | None = None


@dataclass(slots=True)
class Batch:
    """Consecutive rows of the file, up to and including line `last_line`."""

    trips: list[TripRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    last_line: int = 0

    @property
    def read(self) -> int:
        return len(self.trips) + len(self.rejected)


class FormatError(Exception):
    """The file is not in the format it was given as (or cannot be read at all)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"FormatError({self.reason!r})"
