"""PROMETHEUS_MULTIPROC_DIR: one worker's /metrics reports what another worker counted.

prometheus_client picks its storage when it is imported, so each "worker"
is a fresh Python process here, as uvicorn's workers are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import asyncio, sys
import httpx
from pydantic import SecretStr
from config import Settings
from gql.app import create_app

async def main(url, action):
    settings = Settings(database_url=url, jwt_secret=SecretStr("x" * 40), log_requests=False)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://worker"
    ) as http:
        if action == "serve":
            for _ in range(3):
                body = {"query": "query FromWorkerA { seasons(first: 1) { nodes { name } } }"}
                assert (await http.post("/graphql", json=body)).status_code == 200
        else:
            print((await http.get("/metrics")).text)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _worker(url: str, action: str, directory: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT)}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    done = subprocess.run(
        [sys.executable, "-c", WORKER, url, action],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_scrape_sums_every_worker(seeded_db_url: str, tmp_path: Path) -> None:
    _worker(seeded_db_url, "serve", tmp_path)
    output = _worker(seeded_db_url, "scrape", tmp_path)
    text = "\n".join(line for line in output.splitlines() if not line.startswith("{"))  # logs
    counts = {
        (sample.name, sample.labels.get("operation")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    key = ("fleetgraph_request_duration_seconds_count", "FromWorkerA")
    assert counts[key] == 3
