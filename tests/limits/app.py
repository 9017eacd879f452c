"""The real app on a small seeded SQLite database, driven in-process over httpx."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from auth import mint_token
from config import Settings
from db.migrate import upgrade
from gql.app import create_app
from seed import SeedPlan, seed_database
from tests.plans import TEST_ANCHOR

JWT_SECRET = "limits-tests-secret-0123456789abcdef-xyz"
SMALL_PLAN = SeedPlan(drivers=12, trips_per_driver=3, seed=3, anchor=TEST_ANCHOR)
GRAPHQL_RESPONSE = "application/graphql-response+json"


def seed_sqlite(directory: Path) -> str:
    url = f"sqlite+aiosqlite:///{directory / 'limits.sqlite3'}"
    upgrade(url)
    asyncio.run(seed_database(url, SMALL_PLAN, progress=False))
    return url


def settings_for(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret=SecretStr(JWT_SECRET),
        seed_on_empty=False,
        **overrides,
    )


def token(subject: str, role: str = "reader") -> str:
    return mint_token(JWT_SECRET, role=role, subject=subject)


@asynccontextmanager
async def app_client(database_url: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    overrides.setdefault("rate_limit_enabled", True)  # the suite turns it off by default
    # These tests' one client sends hundreds of new documents and counts points exactly;
    # the charge for preparing new documents is tested on its own, where it is turned on
    # (test_preparation_charge.py).
    overrides.setdefault("rate_limit_points_per_cpu_ms", 0.0)
    # Their anonymous client has a keyed one's bucket unless a test says otherwise (the
    # anonymous tier is tested in test_preparation_charge.py).
    overrides.setdefault(
        "rate_limit_anonymous_restore_rate", overrides.get("rate_limit_restore_rate", 2_000.0)
    )
    overrides.setdefault(
        "rate_limit_anonymous_bucket_size", overrides.get("rate_limit_bucket_size", 20_000)
    )
    app = create_app(settings_for(database_url, **overrides))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
