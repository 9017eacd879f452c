"""The race the pre-checks cannot see: the database's unique constraint refuses
the row, and the write reports the same problem the pre-check would have."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from writes import Code, Rejected
from writes.tables import drivers, vehicles
from writes.transaction import transaction


async def test_duplicate_email_from_the_database_is_a_problem(engine: AsyncEngine) -> None:
    now = datetime.now(UTC)
    row = {"name": "Race", "email": "driver1@fleet.example", "region": "north"}
    with pytest.raises(Rejected) as refused:
        async with transaction(engine) as conn:
            await conn.execute(insert(drivers).values(**row, created_at=now, updated_at=now))
    [problem] = refused.value.problems
    assert (problem.field, problem.code) == (("email",), Code.DUPLICATE_EMAIL)


async def test_duplicate_plate_from_the_database_is_a_problem(engine: AsyncEngine) -> None:
    row = {"make": "Kia", "model": "Ceed", "year": 2020, "plate": "FG-0000001"}
    with pytest.raises(Rejected) as refused:
        async with transaction(engine) as conn:
            await conn.execute(insert(vehicles).values(**row))
    [problem] = refused.value.problems
    assert (problem.field, problem.code) == (("vehicle", "plate"), Code.DUPLICATE_PLATE)


async def test_other_integrity_errors_are_not_problems(engine: AsyncEngine) -> None:
    from sqlalchemy.exc import IntegrityError

    row = {"make": "Kia", "model": "Ceed", "year": 1800, "plate": "MT-CHECK"}
    with pytest.raises(IntegrityError):
        async with transaction(engine) as conn:
            await conn.execute(insert(vehicles).values(**row))
