"""A seeded PostgreSQL database per module, and app processes serving it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from seed import seed_database
from tests.limits.app import SMALL_PLAN
from tests.live.clients import NodeClient, ensure_node_modules
from tests.live.servers import AppProcess
from tests.services import throwaway_pg_database


@pytest.fixture(scope="module")
def live_db() -> Iterator[str]:
    ensure_node_modules()
    with throwaway_pg_database("fleetgraph_live") as url:
        upgrade(url)
        asyncio.run(seed_database(url, SMALL_PLAN, progress=False))
        yield url


@pytest.fixture(scope="module")
def start_app(
    live_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., AppProcess]]:
    """Starts app processes on the module's database (`env`: more variables)."""
    started: list[AppProcess] = []
    logs = tmp_path_factory.mktemp("live-logs")

    def start(**env: str) -> AppProcess:
        app = AppProcess(live_db, Path(logs) / f"app-{len(started)}.log", **env)
        started.append(app)
        app.wait_until_serving()
        return app

    try:
        yield start
    finally:
        for app in started:
            app.stop()


@pytest.fixture(scope="module")
def app(start_app: Callable[..., AppProcess]) -> AppProcess:
    return start_app()


@pytest.fixture
def clients() -> Iterator[Callable[..., NodeClient]]:
    opened: list[NodeClient] = []

    def open_client(transport: str, url: str, query: str, **options: object) -> NodeClient:
        client = NodeClient(transport, url, query, **options)
        opened.append(client)
        return client

    try:
        yield open_client
    finally:
        for client in opened:
            client.close()
