"""Real OTLP/HTTP protobuf export, configured only from OTEL_* variables."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.proto.common.v1.common_pb2 import KeyValue

from gql.app import create_app
from tests.observability.app import settings
from tests.observability.receiver import Receiver, otlp_receiver

QUERY = "query Seasons { seasons(first: 2) { nodes { name } } }"


def _attributes(values: list[KeyValue]) -> dict[str, object]:
    out: dict[str, object] = {}
    for kv in values:
        kind = kv.value.WhichOneof("value")
        out[kv.key] = getattr(kv.value, kind) if kind else None
    return out


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with otlp_receiver() as receiver:
        for name in ("OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "fleetgraph-export-test")
        monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test")
        yield receiver


async def test_spans_reach_an_otlp_http_receiver(receiver: Receiver, seeded_db_url: str) -> None:
    app = create_app(settings(seeded_db_url))  # provider built from the environment
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        response = await http.post("/graphql", json={"query": QUERY})
        assert response.status_code == 200
    # The lifespan's end shut the provider down, which flushed the batch processor.

    assert receiver.requests, "nothing was exported"
    assert {r.path for r in receiver.requests} == {"/v1/traces"}
    assert {r.content_type for r in receiver.requests} == {"application/x-protobuf"}

    spans = {}
    for export in receiver.exports():
        for resource_spans in export.resource_spans:
            resource = _attributes(list(resource_spans.resource.attributes))
            assert resource["service.name"] == "fleetgraph-export-test"
            assert resource["deployment.environment"] == "test"
            assert resource["service.version"]
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans[span.name] = span
    server = spans["POST /graphql"]
    operation = spans["query Seasons"]
    assert operation.parent_span_id == server.span_id
    assert operation.trace_id == server.trace_id
    assert response.headers["traceresponse"].split("-")[1] == server.trace_id.hex()
    attrs = _attributes(list(operation.attributes))
    assert attrs["graphql.operation.name"] == "Seasons"
    assert attrs["graphql.operation.type"] == "query"
    sql = [s for name, s in spans.items() if name == "SELECT"]
    assert sql and all(s.trace_id == server.trace_id for s in sql)
