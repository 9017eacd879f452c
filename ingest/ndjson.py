"""NDJSON: one trip per line, recordTrip's fields plus externalId and the driver.

`{"externalId": "t-1", "driverEmail": "a@x.io", "startedAt": "...", "endedAt":
"...", "distanceKm": 12.5, "safetyScore": 80, "safetyEvents": [{"kind":
"SPEEDING", "severity": 2, "occurredAt": "..."}]}`. Blank lines are skipped.
The first non-blank line must be a JSON object, or the file is not NDJSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from ingest import fields
from ingest.rows import FormatError, Rejection, RowCode, TripRow

MAX_EVENTS_READ = 10_000  # more than any valid trip has; the rest of the line is not looked at


def read(stream: BinaryIO, skip_through: int = 0) -> Iterator[TripRow | Rejection]:
    """Rows after line `skip_through` (already imported by an earlier attempt),
    converted but not yet checked against the trip rules (fields.checked)."""
    first = True
    for line, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        parsed = _object(raw)
        if first and not isinstance(parsed, dict):
            raise FormatError(f"line {line} is not a JSON object: the file is not NDJSON")
        first = False
        if line <= skip_through:
            continue
        if not isinstance(parsed, dict):
            yield Rejection(line, RowCode.MALFORMED, parsed)
            continue
        yield _row(line, parsed)


def _object(raw: bytes) -> dict[str, object] | str:
    """The line's object, or why it is not one."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return "not valid JSON (or not UTF-8)"
    return value if isinstance(value, dict) else "not a JSON object"


def _row(line: int, found: dict[str, object]) -> TripRow | Rejection:
    try:
        raw_events = found.get("safetyEvents") or []
        if not isinstance(raw_events, list):
            raise fields.BadField("safetyEvents", "safetyEvents must be a list")
        events = tuple(
            fields.event(item, f"safetyEvents.{index}")
            for index, item in enumerate(raw_events[:MAX_EVENTS_READ])
        )
        return fields.trip_row(line, found, events)
    except fields.BadField as exc:
        return fields.rejection(line, exc)
