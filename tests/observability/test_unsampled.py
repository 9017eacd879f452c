"""A request the sampler turns down pays for its ids and nothing beneath them.

The sampler is asked once per span started: counting its calls counts the spans
a request opened, exported or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

from tests.observability.app import traced_app

NESTED = """
query DriverTrips {
  drivers(first: 3) { nodes { name vehicle { plate } trips(first: 2) { nodes { id } } } }
}
"""
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"
SAMPLED = 0x01  # W3C trace-flags: bit 0 (bit 1 says the trace id is random)


class CountingSampler(Sampler):
    """Delegates every decision; counts the spans it was asked about, by name."""

    def __init__(self, decide: Sampler) -> None:
        self.decide = decide
        self.asked: list[str] = []

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        self.asked.append(name)
        return self.decide.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"Counting({self.decide.get_description()})"


async def test_an_unsampled_request_opens_only_its_server_span(seeded_db_url: str) -> None:
    sampler = CountingSampler(ALWAYS_OFF)
    async with traced_app(seeded_db_url, sampler=sampler) as app:
        for executor in ({}, {"x-debug": "1"}):
            response = await app.post(NESTED, headers=executor)
            assert response.status_code == 200 and "errors" not in response.json()
    assert sampler.asked == ["POST /graphql", "POST /graphql"]
    assert app.spans() == []
    _, trace_id, _, flags = response.headers["traceresponse"].split("-")
    assert len(trace_id) == 32 and not int(flags, 16) & SAMPLED


async def test_a_caller_that_did_not_sample_is_followed(seeded_db_url: str) -> None:
    sampler = CountingSampler(ParentBased(ALWAYS_ON))
    headers = {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-00"}
    async with traced_app(seeded_db_url, sampler=sampler) as app:
        response = await app.post(NESTED, headers=headers)
    assert response.status_code == 200
    assert sampler.asked == ["POST /graphql"] and app.spans() == []
    _, trace_id, _, flags = response.headers["traceresponse"].split("-")
    assert trace_id == TRACE_ID and not int(flags, 16) & SAMPLED


async def test_a_sampled_request_still_opens_every_span(seeded_db_url: str) -> None:
    sampler = CountingSampler(ALWAYS_ON)
    async with traced_app(seeded_db_url, sampler=sampler) as app:
        response = await app.post(NESTED)
    assert int(response.headers["traceresponse"].rsplit("-", 1)[1], 16) & SAMPLED
    names = [span.name for span in app.spans()]
    assert sorted(names) == sorted(sampler.asked)
    assert {"POST /graphql", "query DriverTrips", "SELECT"} <= set(names)
