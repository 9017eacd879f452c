"""The span tree of one request, with the SDK's in-memory exporter, on both backends."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

from tests.observability.app import traced_app
from tests.observability.conftest import BROKEN_QUERY

NESTED = """
query DriverTrips {
  drivers(first: 3, orderBy: {field: NAME, direction: ASC}) {
    nodes { name trips(first: 2) { nodes { id safetyEvents(first: 2) { nodes { kind } } } } }
  }
}
"""


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"


async def test_reference_executor_span_tree(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, planner_enabled=False) as app:
        response = await app.post(NESTED)
        assert response.status_code == 200 and "errors" not in response.json()

    server = app.one("POST /graphql")
    assert server.kind is SpanKind.SERVER and server.parent is None
    assert attrs(server)["http.response.status_code"] == 200
    assert attrs(server)["http.route"] == "/graphql"

    operation = app.one("query DriverTrips")
    assert operation.parent is not None and operation.parent.span_id == server.context.span_id
    attributes = attrs(operation)
    assert attributes["graphql.operation.name"] == "DriverTrips"
    assert attributes["graphql.operation.type"] == "query"
    assert attributes["graphql.executor"] == "reference"
    assert "drivers(first: 3" in attributes["graphql.document"]

    phases = {span.name: span for span in app.children(operation)}
    assert {"graphql.parse", "graphql.validate", "graphql.execute"} <= set(phases)

    batches = [s for s in app.spans() if s.name.startswith("dataloader ")]
    names = {s.name for s in batches}
    assert {
        "dataloader TripPageByDriverIdLoader",
        "dataloader SafetyEventPageByTripIdLoader",
    } <= names
    execute = phases["graphql.execute"]
    for batch in batches:
        assert batch.parent is not None and batch.parent.span_id == execute.context.span_id
        assert attrs(batch)["graphql.loader.keys"] >= 1

    sql = [s for s in app.spans() if s.name == "SELECT"]
    assert sql, "no SQL span"
    system = "postgresql" if seeded_db_url.startswith("postgresql") else "sqlite"
    for span in sql:
        found = attrs(span)
        assert span.kind is SpanKind.CLIENT
        assert found["db.system"] == system and found["db.operation"] == "SELECT"
        assert found["db.statement"].lstrip().upper().startswith("SELECT")
        assert isinstance(found["db.response.returned_rows"], int)
    # Every batch's statement hangs under its batch, and the batch counts its rows.
    for batch in batches:
        under = [s for s in sql if s.parent and s.parent.span_id == batch.context.span_id]
        assert len(under) == attrs(batch)["graphql.loader.statements"]
        rows = sum(attrs(s)["db.response.returned_rows"] for s in under)
        assert rows == attrs(batch)["graphql.loader.rows"]
    # The whole request is one trace.
    assert {s.context.trace_id for s in app.spans()} == {server.context.trace_id}


async def test_statement_text_never_carries_values(seeded_db_url: str) -> None:
    secret = "Zelda-Unlikely-Name-42"
    query = (
        "query Q($n: String!) { drivers(first: 2, filter: {nameContains: $n}) { nodes { id } } }"
    )
    async with traced_app(seeded_db_url, planner_enabled=False) as app:
        await app.post(query, body={"variables": {"n": secret}})
    texts = [str(s.attributes) for s in app.spans()]
    assert texts and not any(secret in text for text in texts)


async def test_traceparent_continues_the_callers_trace(seeded_db_url: str) -> None:
    headers = {
        "traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01",
        "tracestate": "vendor=abc",
        "baggage": "tenant=acme",
    }
    async with traced_app(seeded_db_url) as app:
        response = await app.post("{ seasons(first: 1) { nodes { name } } }", headers=headers)
    server = app.one("POST /graphql")
    assert f"{server.context.trace_id:032x}" == TRACE_ID
    assert server.parent is not None and f"{server.parent.span_id:016x}" == PARENT_ID
    assert server.parent.is_remote
    assert server.context.trace_state.get("vendor") == "abc"
    assert response.headers["traceresponse"] == (f"00-{TRACE_ID}-{server.context.span_id:016x}-01")
    operation = app.one("query")  # anonymous: the type alone
    assert operation.context.trace_id == server.context.trace_id


async def test_validation_error_marks_the_operation_span(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url) as app:
        response = await app.post("query Broken { drivers(first: 1) { nodes { noSuchField } } }")
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    operation = app.one("query Broken")
    assert operation.status.status_code is StatusCode.ERROR
    assert attrs(operation)["graphql.error.codes"] == ("GRAPHQL_VALIDATION_FAILED",)
    # the HTTP exchange itself succeeded
    assert app.one("POST /graphql").status.status_code is StatusCode.UNSET


async def test_unexpected_error_records_exception_events(broken_sqlite_url: str) -> None:
    """The SQL, batch and operation spans say why; the client sees a masked error."""
    url = broken_sqlite_url
    query = BROKEN_QUERY
    async with traced_app(url, planner_enabled=False) as app:
        response = await app.post(query)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "vehicles" not in error["message"]  # masked for the client...

    operation = app.one("query V")
    assert operation.status.status_code is StatusCode.ERROR
    events = [e for e in operation.events if e.name == "exception"]
    assert events and "vehicles" in str(events[0].attributes)  # ...but on the span
    failed = [s for s in app.spans() if s.status.status_code is StatusCode.ERROR]
    assert {s.name for s in failed} >= {"query V", "SELECT"}
    assert any(s.name.startswith("dataloader ") for s in failed)


async def test_tracing_off_opens_no_span_and_sends_no_header(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        response = await app.post(NESTED)
    assert response.status_code == 200 and "errors" not in response.json()
    assert "traceresponse" not in response.headers
    assert app.spans() == []
