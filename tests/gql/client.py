"""Drive the real app in-process: POST /graphql, count the SQL it ran.

`GraphQLClient.run` returns the decoded response and how many SQL statements
the request issued (`db.statements.record_statements`); the app is the one
`gql.app.create_app` builds, lifespan included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from auth import mint_token
from config import Settings
from db.statements import record_statements
from gql.app import create_app

Json = dict[str, Any]
# At least 32 bytes: PyJWT warns (and warnings are errors) below that.
JWT_SECRET = "read-api-tests-secret-0123456789abcdef"


class GraphQLErrors(AssertionError):
    """A response that carried errors where data was expected."""


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    settings: Settings

    def token(self, *, role: str) -> str:
        return mint_token(self.settings.jwt_secret.get_secret_value(), role=role)

    def admin_token(self) -> str:
        return self.token(role="admin")

    async def run(
        self, query: str, variables: Json | None = None, *, token: str | None = None
    ) -> tuple[Json, int]:
        """(response JSON, SQL statements issued while serving it)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body: Json = {"query": query, "variables": variables or {}}
        with record_statements() as log:
            response = await self.http.post("/graphql", json=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json(), log.count

    async def data(
        self, query: str, variables: Json | None = None, *, token: str | None = None
    ) -> Json:
        """The `data` of a response that must not carry errors."""
        result, _ = await self.run(query, variables, token=token)
        if result.get("errors"):
            raise GraphQLErrors(result["errors"])
        data: Json = result["data"]
        return data

    async def errors(self, query: str, variables: Json | None = None) -> list[Json]:
        """The errors of a response that must carry some."""
        result, _ = await self.run(query, variables)
        errors: list[Json] = result.get("errors") or []
        assert errors, f"expected errors, got {result}"
        return errors

    async def error_codes(self, query: str, variables: Json | None = None) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in await self.errors(query, variables)]


@asynccontextmanager
async def serving(database_url: str, **overrides: Any) -> AsyncIterator[GraphQLClient]:
    """The app on `database_url`, started (lifespan) and reachable in-process."""
    settings = Settings(database_url=database_url, jwt_secret=SecretStr(JWT_SECRET), **overrides)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield GraphQLClient(http, settings)
