"""/metrics after known requests: the deltas these requests must have caused."""

from __future__ import annotations

import hashlib

from observability.middleware import ObservabilityMiddleware
from observability.request import RequestRecord
from tests.observability.app import traced_app
from tests.observability.scrape import scrape, value

NESTED = (
    "query MetricsNested { drivers(first: 4) { nodes { name trips(first: 2) "
    "{ nodes { id safetyEvents(first: 2) { nodes { kind } } } } } } }"
)


async def test_request_duration_sql_and_batch_metrics(seeded_db_url: str) -> None:
    uncached = {"planner_enabled": False, "response_cache_enabled": False}
    async with traced_app(seeded_db_url, tracing=False, **uncached) as app:
        before = await scrape(app.http)
        for _ in range(3):
            response = await app.post(NESTED)
            assert "errors" not in response.json()
        after = await scrape(app.http)

    labels = {"operation": "MetricsNested", "type": "query", "outcome": "ok"}
    name = "fleetgraph_request_duration_seconds"
    assert value(after, f"{name}_count", **labels) - value(before, f"{name}_count", **labels) == 3
    assert value(after, f"{name}_sum", **labels) > value(before, f"{name}_sum", **labels)

    sql = "fleetgraph_sql_statements_per_request"
    assert value(after, f"{sql}_count") - value(before, f"{sql}_count") == 3
    # drivers page (vehicles joined), trips page, events page: 3 statements each time
    assert value(after, f"{sql}_sum") - value(before, f"{sql}_sum") == 9

    batch = "fleetgraph_dataloader_batch_size"
    loader = {"loader": "TripPageByDriverIdLoader"}
    assert value(after, f"{batch}_count", **loader) - value(before, f"{batch}_count", **loader) == 3
    # 4 drivers per batch
    assert value(after, f"{batch}_sum", **loader) - value(before, f"{batch}_sum", **loader) == 12


async def test_errors_by_code_and_bounded_operation_names(seeded_db_url: str) -> None:
    long_name = "Q" + "x" * 80
    async with traced_app(seeded_db_url, tracing=False) as app:
        before = await scrape(app.http)
        await app.post("query Bad { nope }")
        await app.post(f"query {long_name} {{ seasons(first: 1) {{ nodes {{ name }} }} }}")
        after = await scrape(app.http)

    errors = "fleetgraph_graphql_errors_total"
    code = {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert value(after, errors, **code) - value(before, errors, **code) == 1
    bad = {"operation": "Bad", "type": "query", "outcome": "graphql_error"}
    duration = "fleetgraph_request_duration_seconds_count"
    assert value(after, duration, **bad) - value(before, duration, **bad) == 1
    other = {"operation": "other", "type": "query", "outcome": "ok"}
    assert value(after, duration, **other) - value(before, duration, **other) == 1
    assert not any(long_name in str(key) for key in after)


async def test_persisted_query_outcomes(seeded_db_url: str) -> None:
    text = "query PersistedMetrics { seasons(first: 1) { nodes { id } } }"
    sha = hashlib.sha256(text.encode()).hexdigest()
    apq = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    async with traced_app(seeded_db_url, tracing=False) as app:
        before = await scrape(app.http)
        miss = await app.http.post("/graphql", json=apq)
        assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        await app.http.post("/graphql", json={"query": text, **apq})  # registers
        hit = await app.http.post("/graphql", json=apq)
        assert "errors" not in hit.json()
        after = await scrape(app.http)
    name = "fleetgraph_persisted_queries_total"
    for outcome in ("miss", "registered", "hit"):
        delta = value(after, name, outcome=outcome) - value(before, name, outcome=outcome)
        assert delta == 1, outcome


async def test_database_pool_gauges(seeded_db_url: str) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        await app.post(NESTED)
        samples = await scrape(app.http)
    if seeded_db_url.startswith("postgresql"):
        assert value(samples, "fleetgraph_db_pool_size", pool="reads") >= 1
        assert value(samples, "fleetgraph_db_pool_in_use", pool="reads") == 0  # all released
    assert ("fleetgraph_db_pool_in_use", frozenset({("pool", "writes")})) in samples or (
        seeded_db_url.startswith("sqlite")
    )


def test_remembered_duration_labels_are_bounded_in_bytes() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        return None

    middleware = ObservabilityMiddleware(app)
    durations = middleware._durations
    for i in range(300):  # operation names as sent: the client's
        record = RequestRecord("POST", "/graphql", operation_name=f"{i}" + "n" * 95_000)
        middleware._report(record, 200, 0.001, 0, None, None)
        assert durations.bytes <= durations.max_bytes
    assert len(durations) == 0  # each heavier than a remembered label may be
    for i in range(2_000):  # over 64 characters: labelled "other", not a new series
        record = RequestRecord("POST", "/graphql", operation_name=f"Op{i}" + "x" * 70)
        middleware._report(record, 200, 0.001, 0, None, None)
    assert len(durations) <= durations.max_entries
    assert durations.bytes <= durations.max_bytes
