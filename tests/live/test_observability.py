"""A recomputation's span, its delivery batch's span beneath it, and the metrics,
from the app served in this process (uvicorn in the test's event loop)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from websockets.asyncio.client import connect

from gql.app import create_app
from live import metrics
from tests.faults.servers import spare_port
from tests.limits.app import seed_sqlite, settings_for, token
from tests.live.operations import LEADERBOARD
from tests.live.servers import RECORD_TRIP


async def _write(base: str, leader: str) -> None:
    admin = {"authorization": f"Bearer {token('admin', 'admin')}"}
    async with httpx.AsyncClient(base_url=base) as client:
        season = await client.post("/graphql", json={"query": "{ activeSeason { startsAt } }"})
        started = datetime.fromisoformat(season.json()["data"]["activeSeason"]["startsAt"])
        trip = {
            "driverId": leader,
            "startedAt": (started + timedelta(hours=2)).isoformat(),
            "endedAt": (started + timedelta(hours=3)).isoformat(),
            "distanceKm": 10.0,
            "safetyScore": 0,
        }
        body = {"query": RECORD_TRIP, "variables": {"input": trip}}
        written = (await client.post("/graphql", json=body, headers=admin)).json()
    assert written["data"]["recordTrip"]["userErrors"] == []


async def _scenario(app: object, port: int) -> None:
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))  # type: ignore[arg-type]
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to await)
                await asyncio.sleep(0.05)
        async with connect(
            f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]
        ) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv()) == {"type": "connection_ack"}
            subscribe = {"query": LEADERBOARD, "variables": {"first": 5}}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
            first = json.loads(await ws.recv())["payload"]["data"]["leaderboardChanged"]
            await _write(
                f"http://127.0.0.1:{port}", first["leaderboard"]["nodes"][0]["driver"]["id"]
            )
            update = json.loads(await ws.recv())
            assert update["type"] == "next"
            assert (
                update["payload"]["data"]["leaderboardChanged"]["leaderboard"]
                != first["leaderboard"]
            )
    finally:
        server.should_exit = True
        await serving


def test_a_write_gives_one_recompute_span_and_its_delivery(tmp_path: Path) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = settings_for(seed_sqlite(tmp_path), response_cache_enabled=False)
    app = create_app(settings, tracer_provider=provider)
    deliveries = metrics.DELIVERIES._value.get()

    asyncio.run(_scenario(app, spare_port()))

    [recompute] = [s for s in exporter.get_finished_spans() if s.name == "live.recompute"]
    delivered = [s for s in exporter.get_finished_spans() if s.name == "live.deliver"]
    assert len(delivered) == 2  # the first page, then the update
    update_span = delivered[-1]
    assert update_span.parent is not None
    assert update_span.parent.span_id == recompute.context.span_id
    assert update_span.attributes == {"live.subscribers": 1, "live.unchanged": False}
    assert metrics.DELIVERIES._value.get() - deliveries == 2
    provider.shutdown()
