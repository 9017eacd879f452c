"""Engine factory: one place decides pool, dialect quirks and connect args."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def database_backend(url: str) -> str:
    """'postgresql' or 'sqlite' for a SQLAlchemy URL."""
    return make_url(url).get_backend_name()


def sync_url(url: str) -> str:
    """The URL with its driver removed, for messages (password hidden)."""
    return make_url(url).render_as_string(hide_password=True)


def create_engine(url: str, *, pool_size: int = 10, statement_timeout_ms: int = 0) -> AsyncEngine:
    backend = database_backend(url)
    if backend == "sqlite":
        return _create_sqlite_engine(url)
    if backend == "postgresql":
        return create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={
                "timeout": 5,
                "server_settings": {"jit": "off", "statement_timeout": str(statement_timeout_ms)},
            },
        )
    raise ValueError(f"unsupported database backend {backend!r}: use postgresql or sqlite")


def _create_sqlite_engine(url: str) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
