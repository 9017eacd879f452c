"""App processes of the test's own (`fleetgraph serve` on spare ports), for tests
that need two hosts: each with its own pools, caches and connections."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from tests.faults.servers import spare_port
from tests.limits.app import JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]


def start_server(env: Mapping[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`fleetgraph serve` on `port` with `env` over the defaults, its stderr into `log`."""
    environment = {
        **os.environ,
        "JWT_SECRET": JWT_SECRET,
        "LOG_LEVEL": "warning",
        "LOG_REQUESTS": "false",
        "SEED_ON_EMPTY": "false",
        **env,
    }
    with log.open("wb") as stderr:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@asynccontextmanager
async def serving(env: Mapping[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A server with `env`; yields a client for its base URL, stops it after."""
    port = spare_port()
    log = Path(tempfile.mkdtemp(prefix="fleetgraph-app-")) / "stderr.log"
    process = start_server(env, port, log)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await _wait_until_serving(client, process, log)
            yield client
    finally:
        stop_server(process)
        shutil.rmtree(log.parent, ignore_errors=True)


async def _wait_until_serving(
    client: httpx.AsyncClient, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited during start-up: {_tail(log)}")
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("server did not start")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]
