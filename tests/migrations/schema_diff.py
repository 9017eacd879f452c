"""Differences between a migrated database and `models.Base.metadata`.

Alembic's autogenerate comparison, configured like migrations/env.py, plus
one addition for SQLite, whose reflection drops an index column's sort order:
alembic either cannot see a wrong direction there or reports a DESC index as
removed and added again. On SQLite the key columns and directions of every
model index (and its uniqueness) are therefore read from `PRAGMA index_list`
and `index_xinfo` and compared directly, and alembic's remove/add pairs for
indexes that match are dropped.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Index, UnaryExpression
from sqlalchemy.engine import Connection
from sqlalchemy.sql import operators

from migrations.autogenerate import compare_type
from models import Base


def schema_diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
    diff = list(compare_metadata(context, Base.metadata))
    if conn.dialect.name == "sqlite":
        diff = _sqlite_index_order_diff(conn, diff)
    return diff


def _sqlite_index_order_diff(conn: Connection, diff: list[Any]) -> list[Any]:
    matching: set[str] = set()
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            keys = _model_index_keys(index)
            if keys is None:
                continue  # a real expression index: alembic's diff covers it
            expected = (bool(index.unique), keys)
            actual = _sqlite_index_signature(conn, table.name, str(index.name))
            if actual == expected:
                matching.add(str(index.name))
            elif actual is not None:
                diff.append(("index_signature", index.name, expected, actual))
    return [
        op
        for op in diff
        if not (
            isinstance(op, tuple)
            and op[0] in ("add_index", "remove_index")
            and op[1].name in matching
        )
    ]


def _sqlite_index_signature(
    conn: Connection, table: str, name: str
) -> tuple[bool, list[tuple[str, bool]]] | None:
    """(unique, [(column, descending), ...]) of a database index, None if absent."""
    # index_list rows: seq, name, unique, origin, partial.
    listed = conn.exec_driver_sql(f'PRAGMA index_list("{table}")').fetchall()
    unique = next((bool(row[2]) for row in listed if row[1] == name), None)
    if unique is None:
        return None
    # index_xinfo rows: seqno, cid, name, desc, coll, key (1 for key columns).
    rows = conn.exec_driver_sql(f'PRAGMA index_xinfo("{name}")').fetchall()
    return unique, [(str(row[2]), bool(row[3])) for row in rows if row[5]]


def _model_index_keys(index: Index) -> list[tuple[str, bool]] | None:
    keys: list[tuple[str, bool]] = []
    for expr in index.expressions:
        descending = False
        if isinstance(expr, UnaryExpression) and expr.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            descending = expr.modifier is operators.desc_op
            expr = expr.element
        if not isinstance(expr, Column):
            return None  # a real expression index: leave it to the diff
        keys.append((expr.name, descending))
    return keys
