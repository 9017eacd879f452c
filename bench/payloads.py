"""Request payloads shared by bench/load_test.py and bench/abuse.py."""

from __future__ import annotations

import base64
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

RECORD_TRIP = """mutation RecordTrip($input: RecordTripInput!) {
  recordTrip(input: $input) { trip { id } userErrors { code message } } }"""
KINDS = ("HARSH_BRAKING", "RAPID_ACCELERATION", "SPEEDING", "SHARP_TURN", "PHONE_USE")


def global_id(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def token(secret: str, subject: str, role: str) -> str:
    now = int(time.time())
    claims = {"sub": subject, "role": role, "iat": now, "exp": now + 3600}
    return jwt.encode(claims, secret, algorithm="HS256")


def trip_input(rng: random.Random, driver_pk: int) -> dict[str, Any]:
    ended = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 48 * 60))
    duration = timedelta(minutes=rng.randint(5, 180))
    started = ended - duration
    events = [
        {
            "kind": rng.choice(KINDS),
            "severity": rng.randint(1, 5),
            "occurredAt": (started + duration * rng.random()).isoformat(),
        }
        for _ in range(rng.randint(0, 4))
    ]
    return {
        "driverId": global_id("Driver", driver_pk),
        "startedAt": started.isoformat(),
        "endedAt": ended.isoformat(),
        "distanceKm": round(rng.uniform(1.0, 250.0), 3),
        "safetyScore": rng.randint(0, 100),
        "safetyEvents": events,
    }
