"""App processes for the live tests: real uvicorn servers on spare ports."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from auth import mint_token
from tests.faults.servers import spare_port
from tests.limits.app import JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]
Json = dict[str, Any]


def token(role: str = "admin", subject: str = "live-tests") -> str:
    return mint_token(JWT_SECRET, role=role, subject=subject)


class AppProcess:
    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = spare_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        self.log = log
        variables = {
            **os.environ,
            "DATABASE_URL": database_url,
            "JWT_SECRET": JWT_SECRET,
            "LOG_LEVEL": "warning",
            "RATE_LIMIT_ENABLED": "false",
            "RESPONSE_CACHE_ENABLED": "false",
            "LIVE_COALESCE_SECONDS": "0.02",
            **env,
        }
        if "REDIS_URL" not in env:  # in-process changes unless the test shares a Redis
            variables.pop("REDIS_URL", None)
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=variables,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_until_serving(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited: {self.log.read_text()[-2000:]}"
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    async def graphql(self, query: str, variables: Json | None = None, role: str = "admin") -> Json:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{self.url}/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"authorization": f"Bearer {token(role)}"},
            )
        body: Json = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    async def metric(self, name: str) -> float:
        """The sum of a Prometheus metric's samples named `name`."""
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"{self.url}/metrics")).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith(name) and line[len(name) : len(name) + 1] in (" ", "{")
        )


RECORD_TRIP = """
mutation($input: RecordTripInput!) {
  recordTrip(input: $input) { trip { id } userErrors { code message } }
}"""


async def record_trip(app: AppProcess, driver_id: str, safety_score: int, minutes: int = 0) -> str:
    """A 30-minute trip in the active season; the new trip's id."""
    season = (await app.graphql("{ activeSeason { startsAt } }"))["activeSeason"]
    started = datetime.fromisoformat(season["startsAt"]) + timedelta(hours=1, minutes=minutes)
    trip = {
        "driverId": driver_id,
        "startedAt": started.isoformat(),
        "endedAt": (started + timedelta(minutes=30)).isoformat(),
        "distanceKm": 12.5,
        "safetyScore": safety_score,
    }
    payload = (await app.graphql(RECORD_TRIP, {"input": trip}))["recordTrip"]
    assert payload["userErrors"] == [], payload
    return str(payload["trip"]["id"])


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


async def wait_for_subscriptions(app: AppProcess, count: int) -> None:
    """Until the process holds `count` subscriptions (a client's subscribe has no reply
    to wait for, and an event stream only sends what happens after it)."""
    async with asyncio.timeout(10):
        # Another process's count: polled, there is nothing here to await.
        while await app.metric("fleetgraph_live_subscriptions") != count:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
