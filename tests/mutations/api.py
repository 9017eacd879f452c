"""The app as a client sees it: POST /graphql with or without a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from auth import mint_token

OPERATIONS = Path(__file__).parent / "operations"
SECRET = "mutations-test-secret-0123456789abcdef"  # >= 32 bytes: no PyJWT warning

Json = dict[str, Any]


@cache
def document(name: str) -> str:
    """An operation from `operations/<name>.graphql`."""
    return (OPERATIONS / f"{name}.graphql").read_text()


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(SECRET, role=role)}"}


@dataclass
class Api:
    client: httpx.AsyncClient

    async def post(
        self, query: str, variables: Json | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = {"query": query, "variables": variables or {}}
        return await self.client.post("/graphql", json=body, headers=headers or {})

    async def run(
        self, name: str, variables: Json | None = None, role: str | None = "admin"
    ) -> Json:
        """The response body of a stored operation that must answer HTTP 200."""
        headers = bearer(role) if role else {}
        response = await self.post(document(name), variables, headers)
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    async def mutate(self, name: str, variables: Json) -> Json:
        """The payload of an admin's mutation that must not raise a GraphQL error."""
        body = await self.run(name, variables)
        assert "errors" not in body, body["errors"]
        payload: Json = body["data"][name]
        return payload

    async def read(self, name: str, variables: Json | None = None) -> Json:
        body = await self.run(name, variables)
        assert "errors" not in body, body["errors"]
        data: Json = body["data"]
        return data


def codes(payload: Json) -> list[tuple[list[str] | None, str]]:
    """(field, code) of each user error, in order."""
    return [(error["field"], error["code"]) for error in payload["userErrors"]]
