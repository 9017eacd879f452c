"""/health and /ready against real services (and unreachable ones)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from observability.provider import service_version
from tests.observability.app import traced_app
from tests.services import _admin_execute, pg_admin_url, require_redis, throwaway_pg_database


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once it is closed


async def test_health_reports_the_version(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        response = await app.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": service_version()}


async def test_ready_when_the_database_answers(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        response = await app.http.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database": "ok"}


async def test_not_ready_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    async with traced_app(url, tracing=False) as app:
        response = await app.http.get("/ready")
        health = await app.http.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "unavailable"
    assert health.status_code == 200  # alive, just not ready


@pytest.fixture
def doomed_pg_url() -> Iterator[str]:
    with throwaway_pg_database("fleetgraph_ready") as url:
        upgrade(url)
        yield url


async def test_not_ready_once_postgresql_goes_away(doomed_pg_url: str) -> None:
    async with traced_app(doomed_pg_url, tracing=False) as app:
        assert (await app.http.get("/ready")).status_code == 200
        name = make_url(doomed_pg_url).database
        await _admin_execute(pg_admin_url(), f'DROP DATABASE "{name}" WITH (FORCE)')
        response = await app.http.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable"}


async def test_ready_with_redis(seeded_db_url: str) -> None:
    redis_url = require_redis()
    async with traced_app(seeded_db_url, tracing=False, redis_url=redis_url) as app:
        response = await app.http.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": service_version(),
        "checks": {"database": "ok", "redis": "ok"},
    }


async def test_redis_down_is_degraded_but_ready(seeded_db_url: str) -> None:
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    async with traced_app(seeded_db_url, tracing=False, redis_url=down) as app:
        response = await app.http.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable"}
