"""/metrics: open in development; in production only with `Bearer <METRICS_TOKEN>`."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from tests.observability.app import settings, traced_app

TOKEN = "metrics-scraper-token-0123456789"


async def test_open_in_development(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        response = await app.http.get("/metrics")
    assert response.status_code == 200
    assert "fleetgraph_" in response.text


async def test_closed_in_production_without_a_token(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False, environment="production") as app:
        response = await app.http.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "fleetgraph_" not in response.text


@pytest.mark.parametrize("environment", ["production", "development"])
async def test_a_token_is_asked_for_wherever_it_is_set(
    seeded_db_url: str, environment: str
) -> None:
    token = SecretStr(TOKEN)
    async with traced_app(
        seeded_db_url, tracing=False, environment=environment, metrics_token=token
    ) as app:
        for authorization in (None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
            headers = {"Authorization": authorization} if authorization else {}
            refused = await app.http.get("/metrics", headers=headers)
            assert refused.status_code == 401, authorization
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            assert "fleetgraph_" not in refused.text
        allowed = await app.http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert "fleetgraph_" in allowed.text


def test_production_refuses_a_short_metrics_token(seeded_db_url: str) -> None:
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        settings(seeded_db_url, environment="production", metrics_token=SecretStr("short"))
