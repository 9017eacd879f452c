"""A mutation's statements (run in a SQLAlchemy session) get SQL spans under its operation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auth import mint_token
from db.migrate import upgrade
from tests.observability.app import JWT_SECRET, traced_app
from tests.observability.test_spans import attrs
from tests.services import throwaway_pg_database

CREATE = """mutation Create($input: CreateDriverInput!) {
  createDriver(input: $input) { driver { id } userErrors { code } }
}"""


@pytest.fixture(params=["sqlite", "postgresql"])
def writable_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty migrated database of its own: the test writes."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'writes.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_pg_database(prefix="fleetgraph_spans") as url:
        upgrade(url)
        yield url


async def test_mutation_statements_are_spans_of_the_operation(writable_url: str) -> None:
    async with traced_app(writable_url, seed_on_empty=False) as app:
        token = mint_token(JWT_SECRET, role="admin")
        given = {"name": "Ada", "email": "ada@fleet.example", "region": "north"}
        response = await app.post(
            CREATE,
            body={"variables": {"input": given}},
            headers={"Authorization": f"Bearer {token}"},
        )
        payload = response.json()["data"]["createDriver"]
        assert payload["userErrors"] == [] and payload["driver"]["id"]
    operation = app.one("mutation Create")
    inserts = app.named("INSERT")
    assert inserts, [s.name for s in app.spans()]
    in_trace = {s.context.span_id for s in app.spans()}
    for span in inserts:
        assert span.context.trace_id == operation.context.trace_id
        assert span.parent is not None and span.parent.span_id in in_trace
        assert attrs(span)["db.system"] in ("sqlite", "postgresql")
        assert "ada@fleet.example" not in attrs(span)["db.statement"]  # never values
