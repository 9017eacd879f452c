"""CSV with a header row: trips, and (optionally, a second file) their safety events.

Trips: `external_id, driver_email (or driver_id), started_at, ended_at,
distance_km, safety_score`. Events: `trip_external_id, kind, severity,
occurred_at`. Column order is free, names are matched without case or
surrounding spaces, extra columns are ignored. A header without the required
columns means the file is not this format. Line numbers are the file's own
(a quoted cell may span lines: a row's number is the line it ends on).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ingest import fields
from ingest.rows import FormatError, Rejection, RowCode, TripRow
from writes import EventSpec

TRIP_COLUMNS = {
    "external_id": "externalId",
    "driver_id": "driverId",
    "driver_email": "driverEmail",
    "started_at": "startedAt",
    "ended_at": "endedAt",
    "distance_km": "distanceKm",
    "safety_score": "safetyScore",
}
TRIP_REQUIRED = {"external_id", "started_at", "ended_at", "distance_km", "safety_score"}
EVENT_COLUMNS = {
    "trip_external_id": "tripExternalId",
    "kind": "kind",
    "severity": "severity",
    "occurred_at": "occurredAt",
}


@dataclass(frozen=True, slots=True)
class EventRow:
    line: int
    trip_external_id: str
    event: EventSpec


def _records(
    stream: BinaryIO, names: dict[str, str], required: set[str], what: str
) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, cells by canonical name) per record, or (line, why it is malformed)."""
    # Closing the text layer closes the stream under it: done with the file either way.
    with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text:
        yield from _parse(csv.reader(text), names, required, what)


def _parse(
    reader: Any, names: dict[str, str], required: set[str], what: str
) -> Iterator[tuple[int, dict[str, str] | str]]:
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        header = None
    columns = [cell.strip().lower() for cell in header or []]
    missing = sorted(required - set(columns))
    if what == "trips" and not {"driver_id", "driver_email"} & set(columns):
        missing.append("driver_email or driver_id")
    if missing:
        raise FormatError(f"not a {what} CSV: the header row lacks {', '.join(missing)}")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise FormatError(f"line {reader.line_num + 1}: not UTF-8 text") from None
        except csv.Error as exc:
            yield reader.line_num, f"not a CSV record: {exc}"
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            yield reader.line_num, f"{len(cells)} fields where the header has {len(columns)}"
            continue
        yield (
            reader.line_num,
            {names[c]: v.strip() for c, v in zip(columns, cells, strict=True) if c in names},
        )


def read_trips(stream: BinaryIO, skip_through: int = 0) -> Iterator[TripRow | Rejection]:
    for line, found in _records(stream, TRIP_COLUMNS, TRIP_REQUIRED, "trips"):
        if line <= skip_through:
            continue
        if isinstance(found, str):
            yield Rejection(line, RowCode.MALFORMED, found)
            continue
        try:
            yield fields.trip_row(line, found, ())
        except fields.BadField as exc:
            yield fields.rejection(line, exc)


def read_events(stream: BinaryIO) -> Iterator[EventRow | Rejection]:
    """Events of the trips file, any order; rejections name the events file's lines."""
    for line, found in _records(stream, EVENT_COLUMNS, set(EVENT_COLUMNS), "safety events"):
        if isinstance(found, str):
            yield Rejection(line, RowCode.MALFORMED, f"events file: {found}", "events")
            continue
        try:
            key = fields.text(fields.required(found, "tripExternalId"), "tripExternalId")
            yield EventRow(line, key, fields.event(found, "event"))
        except fields.BadField as exc:
            yield Rejection(line, exc.code, f"events file: {exc.message}", f"events.{exc.name}")
