"""A collector that is down costs dropped spans, not a flood of log lines."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from gql.app import create_app
from tests.observability.app import settings
from tests.observability.scrape import scrape, value


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_spans_are_dropped_and_counted_quietly(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exporter = OTLPSpanExporter(endpoint=f"http://127.0.0.1:{_closed_port()}/v1/traces", timeout=1)
    provider = TracerProvider()
    # A tiny queue fills at once while the worker retries the unreachable collector.
    provider.add_span_processor(
        BatchSpanProcessor(exporter, max_queue_size=4, max_export_batch_size=2)
    )
    app = create_app(settings(seeded_db_url), tracer_provider=provider)
    transport = httpx.ASGITransport(app=app)
    query = {"query": "query Down { seasons(first: 2) { nodes { name } } }"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        before = await scrape(http)
        capsys.readouterr()
        for _ in range(30):
            assert (await http.post("/graphql", json=query)).status_code == 200
        after = await scrape(http)
    output = capsys.readouterr().out
    provider.shutdown()

    dropped = "fleetgraph_trace_spans_dropped_total"
    assert value(after, dropped) - value(before, dropped) > 0
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    otel = [line for line in lines if line["logger"].startswith("opentelemetry")]
    assert 1 <= len(otel) <= 3, otel  # "Queue full" once, maybe an export failure
