"""The planned executor's spans: one SQL statement per response level, under the operation."""

from __future__ import annotations

from tests.observability.app import traced_app
from tests.observability.test_spans import NESTED, attrs


async def test_planned_executor_spans_one_statement_per_level(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url) as app:
        response = await app.post(NESTED)
        assert response.status_code == 200 and "errors" not in response.json()
    operation = app.one("query DriverTrips")
    assert attrs(operation)["graphql.executor"] == "planned"
    sql = [s for s in app.spans() if s.name == "SELECT"]
    # drivers, their trips, the trips' events: one statement each.
    assert len(sql) == 3
    ids = {s.context.span_id for s in app.spans()}
    for span in sql:
        assert span.parent is not None and span.parent.span_id in ids


async def test_a_fallback_has_its_code_and_its_detail_on_the_span(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url) as app:
        response = await app.post("query Meta { __schema { queryType { name } } }")
        assert response.json()["extensions"]["planner"] == {"fallback": "introspection"}
    found = attrs(app.one("query Meta"))
    assert found["graphql.executor"] == "reference"
    assert found["graphql.planner.fallback"] == "introspection"
    assert found["graphql.planner.fallback_detail"] == "__schema"
