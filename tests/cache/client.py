"""The app with a response cache, driven in-process, and what tests read off responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client import REGISTRY
from pydantic import SecretStr
from starlette.applications import Starlette

from auth import mint_token
from cache.service import ResponseCache
from config import Settings
from gql.app import create_app

Json = dict[str, Any]
SECRET = "cache-tests-secret-0123456789abcdef-xyz"


def bearer(role: str, subject: str = "tests") -> dict[str, str]:
    token = mint_token(SECRET, role=role, subject=subject)
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer("admin")


def status(response: httpx.Response) -> str:
    cache: Json = response.json()["extensions"]["cache"]
    return str(cache["status"])


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@dataclass
class CacheClient:
    http: httpx.AsyncClient
    settings: Settings
    app: Starlette | None = None

    @property
    def cache(self) -> ResponseCache:
        """The app's response cache (while serving)."""
        assert self.app is not None
        cache: ResponseCache = self.app.state.response_cache
        return cache

    @property
    def backend(self) -> str:
        return "redis" if self.settings.redis_url else "memory"

    async def post(
        self,
        query: str,
        variables: Json | None = None,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        body: Json = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        response = await self.http.post("/graphql", json=body, headers=headers or {})
        assert response.status_code == 200, response.text
        return response

    async def data(
        self, query: str, variables: Json | None = None, headers: dict[str, str] | None = None
    ) -> Json:
        body: Json = (await self.post(query, variables, headers)).json()
        assert "errors" not in body, body["errors"]
        data: Json = body["data"]
        return data

    async def mutate(self, name: str, query: str, variables: Json) -> Json:
        payload: Json = (await self.data(query, variables, ADMIN))[name]
        assert payload["userErrors"] == [], payload
        return payload


@asynccontextmanager
async def serving(
    database_url: str, *, redis_url: str | None = None, **overrides: Any
) -> AsyncIterator[CacheClient]:
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        jwt_secret=SecretStr(SECRET),
        seed_on_empty=False,
        **overrides,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield CacheClient(http, settings, app)
