"""Import files for the tests: trips of the seeded drivers, in every format."""

from __future__ import annotations

import csv
import gzip
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import encode_id

_keys = itertools.count(1)
KINDS = ("HARSH_BRAKING", "RAPID_ACCELERATION", "SPEEDING", "SHARP_TURN", "PHONE_USE")
Json = dict[str, Any]


@dataclass(frozen=True)
class Driver:
    id: int
    email: str


async def drivers(engine: AsyncEngine) -> list[Driver]:
    async with engine.connect() as conn:
        found = await conn.execute(text("SELECT id, email FROM drivers ORDER BY id"))
        return [Driver(*row) for row in found]


async def season_start(engine: AsyncEngine) -> datetime:
    """The start of the newest seeded season (trips there count in a leaderboard)."""
    async with engine.connect() as conn:
        found = await conn.execute(text("SELECT MAX(starts_at) FROM seasons"))
        value = found.scalar()
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def trips(
    people: list[Driver], start: datetime, count: int, *, events: int = 3, by_id: bool = False
) -> list[Json]:
    """`count` valid trips (NDJSON fields) spread over the drivers, each with a new key."""
    made = []
    for n in range(count):
        driver = people[n % len(people)]
        began = start + timedelta(hours=1 + n % 500, minutes=n % 7)
        trip: Json = {
            "externalId": f"t-{next(_keys)}",
            "startedAt": began.isoformat(),
            "endedAt": (began + timedelta(minutes=30)).isoformat(),
            "distanceKm": 5.0 + (n % 40) * 0.75,
            "safetyScore": 50 + n % 50,
            "safetyEvents": [
                {
                    "kind": KINDS[(n + e) % len(KINDS)],
                    "severity": 1 + (n + e) % 5,
                    "occurredAt": (began + timedelta(minutes=1 + e)).isoformat(),
                }
                for e in range(events)
            ],
        }
        if by_id:
            trip["driverId"] = encode_id("Driver", driver.id)
        else:
            trip["driverEmail"] = driver.email
        made.append(trip)
    return made


def write_ndjson(path: Path, lines: list[Json | str]) -> Path:
    """Objects as JSON lines; strings as they are (for malformed lines)."""
    body = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(body.encode()))
    else:
        path.write_text(body)
    return path


def write_csv(path: Path, made: list[Json]) -> tuple[Path, Path]:
    """The trips as a trips CSV and an events CSV (events in reverse order)."""
    events_path = path.with_name(path.stem + "-events.csv")
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["external_id", "driver_email", "started_at", "ended_at", "distance_km", "safety_score"]
        )
        for trip in made:
            writer.writerow(
                [
                    trip["externalId"],
                    trip["driverEmail"],
                    trip["startedAt"],
                    trip["endedAt"],
                    trip["distanceKm"],
                    trip["safetyScore"],
                ]
            )
    with events_path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["trip_external_id", "kind", "severity", "occurred_at"])
        for trip in reversed(made):
            for event in trip["safetyEvents"]:
                writer.writerow(
                    [trip["externalId"], event["kind"], event["severity"], event["occurredAt"]]
                )
    return path, events_path
