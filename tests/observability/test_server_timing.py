"""Server-Timing: the request's phases, on by default in development only."""

from __future__ import annotations

import re

import pytest

from config.settings import Environment
from tests.observability.app import settings, traced_app

QUERY = "query Timed { drivers(first: 3) { nodes { name vehicle { plate } } } }"
PHASES = re.compile(
    r"parse;dur=(\d+\.\d{3}), cache;dur=(\d+\.\d{3}), db;dur=(\d+\.\d{3}), "
    r"execute;dur=(\d+\.\d{3}), total;dur=(\d+\.\d{3})"
)


@pytest.mark.parametrize("cached", [False, True])
async def test_every_answer_says_its_phases_in_development(
    seeded_db_url: str, cached: bool
) -> None:
    async with traced_app(seeded_db_url, tracing=False, response_cache_enabled=cached) as app:
        # A miss (a new document), then a hit or a second execution (the fast path).
        for _ in range(2):
            response = await app.post(QUERY)
            assert response.status_code == 200
            assert PHASES.fullmatch(response.headers["server-timing"])
        refused = await app.http.post("/graphql", content=b"{", headers={"content-type": "x"})
        assert refused.status_code == 415
        assert PHASES.fullmatch(refused.headers["server-timing"])  # refusals too


async def test_off_by_setting(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False, server_timing=False) as app:
        response = await app.post(QUERY)
    assert response.status_code == 200
    assert "server-timing" not in response.headers


def test_on_in_development_off_in_production() -> None:
    url = "sqlite+aiosqlite://"
    assert settings(url).server_timing_enabled
    assert not settings(url, environment=Environment.PRODUCTION).server_timing_enabled
    assert settings(
        url, environment=Environment.PRODUCTION, server_timing=True
    ).server_timing_enabled
