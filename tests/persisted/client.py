"""The app with persisted-query settings, and the request shapes Apollo Client sends."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
from pydantic import SecretStr

from auth import mint_token
from config import Settings
from gql.app import create_app
from persisted import sha256_hex

Json = dict[str, Any]
JWT_SECRET = "persisted-tests-secret-0123456789abcdef"
QUERY = "query ActiveSeason { activeSeason { name } }"


def settings_for(database_url: str, **overrides: Any) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SecretStr(JWT_SECRET), **overrides)


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(JWT_SECRET, role=role)}"}


def apq_extensions(query: str = QUERY, *, sha: str | None = None, version: int = 1) -> Json:
    return {"persistedQuery": {"version": version, "sha256Hash": sha or sha256_hex(query)}}


def hash_only(query: str = QUERY, **kwargs: Any) -> Json:
    """Apollo's first try: operation name and hash, no text."""
    name = re.match(r"\s*(?:query|mutation)\s+(\w+)", query)
    body: Json = {"extensions": apq_extensions(query, **kwargs)}
    if name:
        body["operationName"] = name.group(1)
    return body


def with_query(query: str = QUERY, **kwargs: Any) -> Json:
    return {**hash_only(query, **kwargs), "query": query}


def get_params(body: Json) -> dict[str, str]:
    """A body as Apollo's link puts it in a GET URL: objects as JSON text."""
    return {
        key: value if isinstance(value, str) else orjson.dumps(value).decode()
        for key, value in body.items()
    }


def code_of(response: httpx.Response) -> str | None:
    errors = response.json().get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


def assert_ran(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert "activeSeason" in body["data"], body


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http
