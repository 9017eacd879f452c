"""CORS: preflights answered before any limit, exact headers, credentials, Vary."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from config import Settings
from config.settings import Environment
from tests.limits.app import app_client, settings_for

APP = "https://dashboard.example.com"
QUERY = "{ drivers(first: 10) { nodes { id } } }"  # costs 10 points
ALLOWED_HEADERS = (
    "Accept, Accept-Language, Content-Language, Content-Type, apollo-require-preflight, "
    "apollographql-client-name, apollographql-client-version, authorization, baggage, "
    "consistency-token, content-type, if-none-match, traceparent, tracestate, "
    "x-apollo-operation-name, x-request-id"
)
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
EXPOSED = "consistency-token, etag, retry-after, server-timing, traceresponse, x-request-id"


def _preflight(origin: str, headers: str = "content-type, authorization") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": headers,
    }


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    """The response's headers but those every response has (id, timing, length, type)."""
    ignored = {"x-request-id", "server-timing", "content-length", "content-type"}
    return {k: v for k, v in response.headers.items() if k not in ignored}


async def test_a_preflight_from_an_allowed_origin(small_db_url: str) -> None:
    async with app_client(small_db_url, cors_allow_origins=[APP]) as http:
        response = await http.options("/graphql", headers=_preflight(APP))
    assert response.status_code == 200
    assert _cors_headers(response) == {
        "vary": PREFLIGHT_VARY,
        "access-control-allow-methods": "GET, POST",
        "access-control-max-age": "7200",
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-allow-origin": APP,
    }


async def test_a_preflight_from_a_refused_origin(small_db_url: str) -> None:
    async with app_client(small_db_url, cors_allow_origins=[APP]) as http:
        response = await http.options("/graphql", headers=_preflight("https://evil.example"))
    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
    assert _cors_headers(response) == {  # no Access-Control-Allow-Origin: the browser refuses
        "vary": PREFLIGHT_VARY,
        "access-control-allow-methods": "GET, POST",
        "access-control-max-age": "7200",
        "access-control-allow-headers": ALLOWED_HEADERS,
    }


async def test_a_preflight_asking_for_an_unlisted_header_is_refused(small_db_url: str) -> None:
    async with app_client(small_db_url, cors_allow_origins=[APP]) as http:
        refused = await http.options("/graphql", headers=_preflight(APP, "x-secret"))
    async with app_client(
        small_db_url, cors_allow_origins=[APP], cors_allow_headers="x-secret"
    ) as http:
        allowed = await http.options("/graphql", headers=_preflight(APP, "x-secret"))
    assert refused.status_code == 400 and refused.text == "Disallowed CORS headers"
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-headers"].endswith(", x-secret")


async def test_credentials_when_configured(small_db_url: str) -> None:
    settings: dict[str, Any] = {"cors_allow_origins": [APP], "cors_allow_credentials": True}
    async with app_client(small_db_url, **settings) as http:
        preflight = await http.options("/graphql", headers=_preflight(APP))
        answer = await http.post("/graphql", json={"query": QUERY}, headers={"Origin": APP})
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert answer.headers["access-control-allow-origin"] == APP  # never * with credentials
    async with app_client(small_db_url, cors_allow_origins=[APP]) as http:
        preflight = await http.options("/graphql", headers=_preflight(APP))
    assert "access-control-allow-credentials" not in preflight.headers


def test_a_wildcard_cannot_go_with_credentials() -> None:
    with pytest.raises(ValidationError, match="cannot go with CORS_ALLOW_CREDENTIALS"):
        Settings(cors_allow_origins="*", cors_allow_credentials=True)


def test_origins_must_be_origins() -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings(cors_allow_origins="https://app.example.com/")


async def test_an_answer_to_an_allowed_origin_exposes_headers_and_varies(
    small_db_url: str,
) -> None:
    async with app_client(small_db_url, cors_allow_origins=[APP]) as http:
        answer = await http.post("/graphql", json={"query": QUERY}, headers={"Origin": APP})
        refused = await http.post(
            "/graphql", json={"query": QUERY}, headers={"Origin": "https://evil.example"}
        )
        plain = await http.post("/graphql", json={"query": QUERY})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP
    assert answer.headers["access-control-expose-headers"] == EXPOSED
    # A shared cache keys every answer by Origin, one without an Origin header included.
    for response in (answer, refused, plain):
        assert "Origin" in _vary(response), response.headers
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-origin" not in plain.headers


def _vary(response: httpx.Response) -> list[str]:
    return [v.strip() for value in response.headers.get_list("vary") for v in value.split(",")]


async def test_a_preflight_costs_no_points_and_never_reaches_graphql(small_db_url: str) -> None:
    settings: dict[str, Any] = {
        "cors_allow_origins": [APP],
        "rate_limit_bucket_size": 15,
        "rate_limit_restore_rate": 0.001,
    }
    async with app_client(small_db_url, **settings) as http:
        for _ in range(20):
            preflight = await http.options("/graphql", headers=_preflight(APP))
            assert preflight.status_code == 200 and preflight.text == "OK"
        answer = await http.post("/graphql", json={"query": QUERY}, headers={"Origin": APP})
    assert answer.json()["extensions"]["cost"]["throttle"]["remaining"] == 5


def test_defaults_localhost_in_development_none_in_production() -> None:
    development = settings_for("sqlite+aiosqlite://")
    assert development.cors_origins == []
    pattern = development.cors_origin_pattern
    assert pattern is not None
    production = Settings(
        environment=Environment.PRODUCTION, jwt_secret="x" * 32, database_url="sqlite://"
    )
    assert production.cors_origins == [] and production.cors_origin_pattern is None
    configured = settings_for("sqlite+aiosqlite://", cors_allow_origins=APP)
    assert configured.cors_origins == [APP] and configured.cors_origin_pattern is None


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:5173", True),
        ("http://127.0.0.1:3000", True),
        ("http://[::1]:8080", True),
        ("https://localhost", True),
        ("http://localhost.evil.example", False),
        ("http://evil.example", False),
    ],
)
async def test_development_allows_localhost_origins(
    small_db_url: str, origin: str, allowed: bool
) -> None:
    async with app_client(small_db_url) as http:
        response = await http.options("/graphql", headers=_preflight(origin))
    assert response.status_code == (200 if allowed else 400)
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed
