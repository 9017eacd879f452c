"""A trip row's fields, whatever the format: converted, then checked as recordTrip checks.

Both formats hand over the same canonical names; only NDJSON carries typed
values (CSV cells are text), so each converter accepts the text form too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from errors import InvalidId
from global_ids import decode_id_of
from ingest.rows import Rejection, RowCode, TripRow
from models.enums import SafetyEventKind
from writes import EventSpec, TripSpec

KINDS = {kind.value: kind for kind in SafetyEventKind}


class BadField(Exception):
    def __init__(self, name: str, message: str, code: str = RowCode.INVALID_VALUE) -> None:
        super().__init__(message)
        self.name, self.message, self.code = name, message, code


def required(fields: Mapping[str, Any], name: str) -> Any:
    value = fields.get(name)
    if value is None or value == "":
        raise BadField(name, f"{name} is missing", RowCode.MISSING_FIELD)
    return value


def text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise BadField(name, f"{name} must be a string")
    return value


def instant(value: Any, name: str) -> datetime:
    try:
        return datetime.fromisoformat(text(value, name))
    except ValueError:
        raise BadField(name, f"{name} is not an ISO 8601 date-time", "INVALID_DATETIME") from None


def number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadField(name, f"{name} must be a number")
    try:
        found = float(value)
    except ValueError:
        raise BadField(name, f"{name} must be a number") from None
    if not math.isfinite(found):
        raise BadField(name, f"{name} must be a finite number")
    return found


def integer(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise BadField(name, f"{name} must be an integer")


def event(fields: Any, at: str) -> EventSpec:
    if not isinstance(fields, Mapping):
        raise BadField(at, f"{at} must be an object", RowCode.MALFORMED)
    kind = text(required(fields, "kind"), f"{at}.kind")
    if kind not in KINDS:
        raise BadField(f"{at}.kind", f"{at}.kind {kind[:40]!r} is not a safety event kind")
    return EventSpec(
        KINDS[kind],
        integer(required(fields, "severity"), f"{at}.severity"),
        instant(required(fields, "occurredAt"), f"{at}.occurredAt"),
    )


def trip_row(line: int, fields: Mapping[str, Any], events: tuple[EventSpec, ...]) -> TripRow:
    """Canonical names: externalId, driverId | driverEmail, startedAt, endedAt,
    distanceKm, safetyScore; `BadField` for the first field that is wrong."""
    external_id = text(required(fields, "externalId"), "externalId")
    driver_id, email = fields.get("driverId"), fields.get("driverEmail")
    if not driver_id and not email:
        raise BadField("driverId", "driverId or driverEmail is missing", RowCode.MISSING_FIELD)
    pk = None
    if driver_id:
        try:
            pk = decode_id_of(text(driver_id, "driverId"), "Driver")
        except InvalidId as exc:
            raise BadField("driverId", exc.message, "INVALID_ID") from None
    spec = TripSpec(
        started_at=instant(required(fields, "startedAt"), "startedAt"),
        ended_at=instant(required(fields, "endedAt"), "endedAt"),
        distance_km=number(required(fields, "distanceKm"), "distanceKm"),
        safety_score=integer(required(fields, "safetyScore"), "safetyScore"),
        events=events,
        external_id=external_id,
    )
    email_text = None if pk is not None else text(email, "driverEmail").strip()
    return TripRow(line, spec, external_id, driver_id=pk, driver_email=email_text)


def checked(row: TripRow) -> TripRow | Rejection:
    """The row, or its first problem by recordTrip's rules (writes/trip_input.py)."""
    problems = row.spec.problems()
    if not problems:
        return row
    first = problems[0]
    field = ".".join(first.field) if first.field else None
    return Rejection(row.line, first.code.value, first.message, field)


def rejection(line: int, exc: BadField) -> Rejection:
    return Rejection(line, exc.code, exc.message, exc.name)
