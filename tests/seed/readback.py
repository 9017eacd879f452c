"""Reading a seeded database back through SQLAlchemy, so values normalize per backend."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from db import create_engine
from models import Base

Rows = dict[str, list[tuple[Any, ...]]]
TABLES: tuple[Table, ...] = tuple(Base.metadata.sorted_tables)


async def read_all(url: str) -> Rows:
    """Every row of every model table, ordered by primary key."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows: Rows = {}
            for table in TABLES:
                result = await conn.execute(select(table).order_by(*table.primary_key.columns))
                rows[table.name] = [tuple(row) for row in result]
            return rows
    finally:
        await engine.dispose()


async def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            counted = [select(func.count()).select_from(table) for table in TABLES]
            return {
                table.name: (await conn.execute(query)).scalar_one()
                for table, query in zip(TABLES, counted, strict=True)
            }
    finally:
        await engine.dispose()


def checksums(rows: Rows) -> dict[str, str]:
    """md5 per table of its rows' reprs (exact floats, aware datetimes)."""
    return {
        name: hashlib.md5(repr(table_rows).encode(), usedforsecurity=False).hexdigest()
        for name, table_rows in rows.items()
    }


def pg_constraints_and_indexes(sync_conn: Connection) -> list[tuple[str, str, str]]:
    """(table, name, definition) of every index and constraint in the schema."""
    indexes = sync_conn.execute(
        text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema()"
        )
    )
    constraints = sync_conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
        )
    )
    return sorted([tuple(row) for row in indexes] + [tuple(row) for row in constraints])
