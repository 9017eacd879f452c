"""Per-process tables of the data-access layer: bounded whatever shapes clients ask for."""

from __future__ import annotations

from collections import namedtuple

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import create_async_engine

from loaders import driver as driver_loaders
from loaders.database import MAX_ROW_SHAPES, MAX_STATEMENT_BYTES, MAX_STATEMENTS, Database


async def test_statements_are_bounded_in_count_and_bytes() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    try:
        db = Database(engine)
        # Page size x columns x ordering x filter shape: clients choose the shape.
        for size in range(3 * MAX_STATEMENTS):
            key = ("page", ("id", "name", f"c{size % 7}"), size)
            statement = db.statement(key, lambda size=size: select(literal(size)))
            assert db.statement(key, lambda: select(literal(-1))) is statement  # kept
            assert db._statements.bytes <= MAX_STATEMENT_BYTES
        assert len(db._statements) <= MAX_STATEMENTS
    finally:
        await engine.dispose()


def test_row_shapes_are_bounded() -> None:
    shapes = driver_loaders._JOINED_SHAPES
    for i in range(2 * MAX_ROW_SHAPES):
        row_type = namedtuple("Row", ["id", "driver__id", f"driver__c{i}"])  # type: ignore[misc]
        made = driver_loaders.joined_driver_and_vehicle(row_type(1, 2, 3))
        assert made == (2, 3)
        assert shapes.bytes <= shapes.max_bytes
    assert len(shapes) <= MAX_ROW_SHAPES
