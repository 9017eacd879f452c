"""Database engine and connection helpers (SQLAlchemy asyncio)."""

from db.engine import create_engine, database_backend, sync_url

__all__ = ["create_engine", "database_backend", "sync_url"]
