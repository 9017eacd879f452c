"""Create and update drivers (and the vehicle that comes with them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from writes import checks
from writes.conflicts import DUPLICATE_EMAIL, DUPLICATE_PLATE
from writes.errors import Code, Problem, Rejected, reject_any
from writes.tables import drivers
from writes.transaction import transaction
from writes.vehicles import VehicleSpec, attach_vehicle, plate_taken, replace_vehicle

NOT_FOUND = Problem(("id",), "no driver has this id", Code.NOT_FOUND)


@dataclass(frozen=True, slots=True)
class DriverSpec:
    """Driver fields to write; None leaves a field as it is (updates only)."""

    name: str | None = None
    email: str | None = None
    region: str | None = None
    vehicle: VehicleSpec | None = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.name is not None:
            found += checks.text(("name",), self.name, drivers.c.name)
        if self.email is not None:
            found += checks.email(("email",), self.email, drivers.c.email)
        if self.region is not None:
            found += checks.text(("region",), self.region, drivers.c.region)
        if self.vehicle is not None:
            found += self.vehicle.problems()
        return found

    def values(self) -> dict[str, Any]:
        given = {"name": self.name, "email": self.email, "region": self.region}
        return {key: value.strip() for key, value in given.items() if value is not None}


async def _email_taken(conn: AsyncConnection, email: str, driver_id: int | None) -> bool:
    """Whether a driver other than `driver_id` has the email."""
    query = select(drivers.c.id).where(drivers.c.email == email.strip())
    if driver_id is not None:
        query = query.where(drivers.c.id != driver_id)
    return (await conn.execute(query)).first() is not None


async def _reject_taken(conn: AsyncConnection, spec: DriverSpec, driver_id: int | None) -> None:
    """The pre-check; a concurrent writer can still win the race (see writes.conflicts)."""
    taken: list[Problem] = []
    if spec.email is not None and await _email_taken(conn, spec.email, driver_id):
        taken.append(DUPLICATE_EMAIL)
    if spec.vehicle is not None and await plate_taken(conn, spec.vehicle, driver_id):
        taken.append(DUPLICATE_PLATE)
    reject_any(taken)


async def create_driver(engine: AsyncEngine, spec: DriverSpec, now: datetime) -> Row[Any]:
    """The new driver's row (name, email and region all given); `Rejected` when
    a field is invalid or taken."""
    reject_any(spec.problems())
    async with transaction(engine) as conn:
        await _reject_taken(conn, spec, None)
        values = {**spec.values(), "created_at": now, "updated_at": now}
        statement = insert(drivers).values(values).returning(drivers)
        row: Row[Any] = (await conn.execute(statement)).one()
        if spec.vehicle is not None:
            await attach_vehicle(conn, row.id, spec.vehicle)
    return row


async def update_driver(
    engine: AsyncEngine, driver_id: int, spec: DriverSpec, now: datetime
) -> Row[Any]:
    """The updated driver's row; `Rejected` when missing, invalid or taken."""
    reject_any(spec.problems())
    async with transaction(engine) as conn:
        exists = select(drivers.c.id).where(drivers.c.id == driver_id)
        if (await conn.execute(exists)).first() is None:
            raise Rejected([NOT_FOUND])
        await _reject_taken(conn, spec, driver_id)
        statement = (
            update(drivers)
            .where(drivers.c.id == driver_id)
            .values(**spec.values(), updated_at=now)
            .returning(drivers)
        )
        row: Row[Any] = (await conn.execute(statement)).one()
        if spec.vehicle is not None:
            await replace_vehicle(conn, driver_id, spec.vehicle)
    return row
