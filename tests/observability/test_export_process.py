"""`ProcessSpanProcessor`: spans exported by a child process, to a real OTLP receiver.

Each test starts the real child (spawned, the SDK's OTLP/HTTP exporter in
it) and a real receiver; what the receiver decodes is what a collector gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import Link, SpanKind, StatusCode

from observability.export_process import ProcessSpanProcessor
from observability.provider import otlp_exporter
from tests.observability.receiver import Receiver, otlp_receiver

RESOURCE = Resource({"service.name": "export-process-test"})


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
        yield receiver


def processor(**settings: int) -> ProcessSpanProcessor:
    return ProcessSpanProcessor(partial(otlp_exporter, "http/protobuf"), RESOURCE, **settings)


def received(receiver: Receiver) -> dict[str, ProtoSpan]:
    spans = {}
    for export in receiver.exports():
        for resource_spans in export.resource_spans:
            resource = resource_spans.resource
            attributes = {kv.key: kv.value.string_value for kv in resource.attributes}
            assert attributes["service.name"] == "export-process-test"
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans[span.name] = span
    return spans


def test_spans_arrive_whole_through_the_child(receiver: Receiver) -> None:
    exporting = processor()
    provider = TracerProvider(resource=RESOURCE)
    provider.add_span_processor(exporting)
    tracer = provider.get_tracer("fleetgraph.test", "1.2.3")
    with tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.response.status_code", 200)
        with tracer.start_as_current_span(
            "query Q",
            attributes={"graphql.operation.name": "Q", "list": [1, 2]},
            links=[Link(server.get_span_context(), {"why": "test"})],
        ) as operation:
            operation.add_event("retry", {"attempt": 2})
            operation.set_status(StatusCode.ERROR, "it broke")
    assert exporting.force_flush(10_000)

    spans = received(receiver)
    assert set(spans) == {"POST /graphql", "query Q"}
    root, child = spans["POST /graphql"], spans["query Q"]
    context = server.get_span_context()
    assert root.trace_id == context.trace_id.to_bytes(16, "big")
    assert root.span_id == context.span_id.to_bytes(8, "big")
    assert root.kind == ProtoSpan.SPAN_KIND_SERVER
    assert child.parent_span_id == root.span_id and child.trace_id == root.trace_id
    assert {kv.key for kv in child.attributes} == {"graphql.operation.name", "list"}
    assert [e.name for e in child.events] == ["retry"]
    assert child.events[0].attributes[0].value.int_value == 2
    assert child.links[0].span_id == root.span_id
    assert child.status.code == 2 and child.status.message == "it broke"  # ERROR
    assert child.end_time_unix_nano >= child.start_time_unix_nano > 0
    provider.shutdown()


def test_unsampled_spans_are_not_handed_over(receiver: Receiver) -> None:
    exporting = processor()
    provider = TracerProvider(resource=RESOURCE, sampler=ALWAYS_OFF)
    provider.add_span_processor(exporting)
    with provider.get_tracer("t").start_as_current_span("dropped"):
        pass
    assert exporting.force_flush(10_000)
    assert received(receiver) == {}
    provider.shutdown()


def test_shutdown_exports_what_is_queued(receiver: Receiver) -> None:
    exporting = processor(schedule_delay_millis=60_000)  # no timed hand-over in this test
    provider = TracerProvider(resource=RESOURCE)
    provider.add_span_processor(exporting)
    for index in range(3):
        with provider.get_tracer("t").start_as_current_span(f"span {index}"):
            pass
    provider.shutdown()
    assert set(received(receiver)) == {"span 0", "span 1", "span 2"}


def test_a_full_queue_drops_spans_and_counts_them(receiver: Receiver) -> None:
    exporting = processor(max_queue_size=4, schedule_delay_millis=60_000)
    provider = TracerProvider(resource=RESOURCE)
    provider.add_span_processor(exporting)
    for index in range(10):
        with provider.get_tracer("t").start_as_current_span(f"span {index}"):
            pass
    assert exporting.dropped == 6
    assert exporting.force_flush(10_000)
    assert set(received(receiver)) == {f"span {index}" for index in range(4)}
    provider.shutdown()


def test_a_dead_child_costs_requests_nothing(receiver: Receiver) -> None:
    exporting = processor()
    provider = TracerProvider(resource=RESOURCE)
    provider.add_span_processor(exporting)
    exporting._process.kill()  # the test's own handle on the child it started
    exporting._process.join(timeout=10)
    with provider.get_tracer("t").start_as_current_span("after the child died"):
        pass
    assert exporting.force_flush(2_000) is False
    provider.shutdown()  # returns: nothing waits on the dead child
    assert received(receiver) == {}
