"""Inputs for the mutations under test, unique per call, and shortcuts that run them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from tests.mutations.api import Api, Json

_numbers = itertools.count(1)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def vehicle_input(**overrides: Any) -> Json:
    n = next(_numbers)
    return {"make": "Volvo", "model": "V60", "year": 2020, "plate": f"MT-{n:05d}", **overrides}


def driver_input(**overrides: Any) -> Json:
    n = next(_numbers)
    return {
        "name": f"Test Driver {n}",
        "email": f"test{n}@mutations.example",
        "region": "north",
        "vehicle": vehicle_input(),
        **overrides,
    }


async def new_driver(api: Api, **overrides: Any) -> Json:
    payload = await api.mutate("createDriver", {"input": driver_input(**overrides)})
    assert payload["userErrors"] == []
    driver: Json = payload["driver"]
    return driver


async def active_season_start(api: Api) -> datetime:
    season = (await api.read("activeSeason"))["activeSeason"]
    assert season is not None, "the seed makes a season holding today"
    return datetime.fromisoformat(season["startsAt"])


def trip_input(driver_id: str, started_at: datetime, **overrides: Any) -> Json:
    """A 30-minute trip; events, if any, should fall within it."""
    return {
        "driverId": driver_id,
        "startedAt": iso(started_at),
        "endedAt": iso(started_at + timedelta(minutes=30)),
        "distanceKm": 12.5,
        "safetyScore": 80,
        **overrides,
    }


def event_input(kind: str, severity: int, occurred_at: datetime) -> Json:
    return {"kind": kind, "severity": severity, "occurredAt": iso(occurred_at)}


async def record(api: Api, trip: Json) -> Json:
    payload = await api.mutate("recordTrip", {"input": trip})
    assert payload["userErrors"] == []
    recorded: Json = payload["trip"]
    return recorded
