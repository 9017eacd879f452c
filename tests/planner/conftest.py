"""Both executors over the same seeded database of each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from tests.gql.client import GraphQLClient, Json, serving
from tests.gql.fixtures import dataset

__all__ = ["Executors", "cost", "dataset", "executors"]


@dataclass
class Answer:
    body: bytes  # data and errors, as served (key order included)
    extensions: Json
    statements: int


@dataclass
class Executors:
    planned: GraphQLClient
    reference: GraphQLClient

    async def both(
        self, query: str, variables: Json | None = None, *, admin: bool = False
    ) -> tuple[Answer, Answer]:
        return (
            await self._answer(self.planned, query, variables, admin),
            await self._answer(self.reference, query, variables, admin),
        )

    @staticmethod
    async def _answer(
        client: GraphQLClient, query: str, variables: Json | None, admin: bool
    ) -> Answer:
        token = client.admin_token() if admin else None
        result, statements = await client.run(query, variables, token=token)
        extensions: Any = result.pop("extensions", {})
        for error in result.get("errors") or ():  # a masked error's id differs per request
            error.get("extensions", {}).pop("reference", None)
        return Answer(orjson.dumps(result), extensions, statements)


def cost(answer: Answer) -> tuple[int, int]:
    """The answer's requested and actual cost (the throttle's figures are per server)."""
    found = answer.extensions["cost"]
    return found["requested"], found["actual"]


@pytest.fixture(scope="session")
async def executors(seeded_db_url: str) -> AsyncIterator[Executors]:
    async with (
        # No response cache: every request must reach its executor.
        serving(seeded_db_url, response_cache_enabled=False) as planned,
        serving(seeded_db_url, planner_enabled=False, response_cache_enabled=False) as reference,
    ):
        yield Executors(planned, reference)
