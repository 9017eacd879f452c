"""SIGTERM on a real uvicorn: in-flight requests finish, new ones are refused, exit 0."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from tests.faults.servers import PgCluster, spare_port
from tests.limits.app import JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]


def start_server(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET": JWT_SECRET,
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_ENABLED": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "server exited during start-up"
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("server did not start")


async def test_sigterm_drains_in_flight_requests(pg_cluster: PgCluster) -> None:
    port = spare_port()
    url = f"http://127.0.0.1:{port}"
    process = start_server(pg_cluster.url("fleetgraph"), port)
    lock = await asyncpg.connect(
        host="127.0.0.1", port=pg_cluster.port, user="postgres", database="fleetgraph"
    )
    try:
        await wait_until_serving(url, process)
        transaction = lock.transaction()
        await transaction.start()
        await lock.execute("LOCK TABLE drivers IN ACCESS EXCLUSIVE MODE")
        async with httpx.AsyncClient(timeout=30) as client:
            in_flight = asyncio.create_task(
                client.post(
                    f"{url}/graphql", json={"query": "{ drivers(first: 3) { nodes { id } } }"}
                )
            )
            await asyncio.sleep(0.5)  # the request now waits on the lock
            assert not in_flight.done()
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            assert process.poll() is None  # draining, not gone
            async with httpx.AsyncClient(timeout=2) as fresh:
                try:
                    await fresh.get(f"{url}/health")
                    refused = False
                except httpx.TransportError:
                    refused = True
            assert refused  # no new connections while draining
            await transaction.rollback()  # let the in-flight request finish
            response = await in_flight
        assert response.status_code == 200
        assert len(response.json()["data"]["drivers"]["nodes"]) == 3
        # uvicorn re-raises the signal once drained: a clean exit is 0 or "killed by SIGTERM".
        assert await asyncio.to_thread(process.wait, 15) in (0, -signal.SIGTERM)
    finally:
        await lock.close()
        if process.poll() is None:
            process.kill()
            process.wait()
