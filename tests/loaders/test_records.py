"""Rows built by asyncpg as Record subclasses with column attributes (loaders/records.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loaders.database import create_read_pools
from loaders.read_pool import ReadPools
from loaders.records import record_type


@pytest.fixture
async def pools(pg_url: str) -> AsyncIterator[ReadPools]:
    opened = await create_read_pools(pg_url, 1)
    yield opened
    await opened.close()


async def test_columns_are_attributes_and_the_record_stays_a_record(pools: ReadPools) -> None:
    row_class = record_type(["id", "name", "value"])
    assert row_class is not None
    [row] = await pools.generic.fetch("SELECT 7 AS id, 'Ada' AS name, 1.5 AS value", (), row_class)
    assert isinstance(row, row_class)
    assert (row.id, row.name, row.value) == (7, "Ada", 1.5)
    assert row._fields == ("id", "name", "value")
    assert tuple(row) == (7, "Ada", 1.5) and row[1:] == ("Ada", 1.5) and row["name"] == "Ada"


@pytest.mark.parametrize(
    "names",
    [["id", "id"], ["count_1", "keys"], ["_private"], ["not an identifier"], ["get"]],
)
def test_names_that_cannot_be_attributes_are_refused(names: list[str]) -> None:
    assert record_type(names) is None
