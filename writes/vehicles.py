"""A driver's vehicle: validate it, attach it, or replace the current one.

The plate is a vehicle's identity. Replacing keeps trip history true: when
the plate changes, the old vehicle is detached (`driver_id` NULL), not
rewritten, so past trips still point at the vehicle they were driven in. The
same plate means the same vehicle: the driver's own is corrected in place,
a detached one is taken over, another driver's is a DUPLICATE_PLATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from writes import checks
from writes.errors import Problem
from writes.tables import vehicles

YEARS = (1900, 2100)


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    make: str
    model: str
    year: int
    plate: str

    def problems(self) -> list[Problem]:
        return [
            *checks.text(("vehicle", "make"), self.make, vehicles.c.make),
            *checks.text(("vehicle", "model"), self.model, vehicles.c.model),
            *checks.within(("vehicle", "year"), self.year, *YEARS),
            *checks.text(("vehicle", "plate"), self.plate, vehicles.c.plate),
        ]

    def values(self) -> dict[str, Any]:
        return {
            "make": self.make.strip(),
            "model": self.model.strip(),
            "year": self.year,
            "plate": self.plate.strip(),
        }


async def plate_taken(conn: AsyncConnection, spec: VehicleSpec, driver_id: int | None) -> bool:
    """Whether another driver's vehicle has the plate."""
    query = select(vehicles.c.id).where(
        vehicles.c.plate == spec.plate.strip(), vehicles.c.driver_id.is_not(None)
    )
    if driver_id is not None:
        query = query.where(vehicles.c.driver_id != driver_id)
    return (await conn.execute(query)).first() is not None


async def attach_vehicle(conn: AsyncConnection, driver_id: int, spec: VehicleSpec) -> None:
    """Give a driver without a vehicle the one with the plate: a detached one, or a new one.

    If another driver took the plate since the pre-check, the insert hits the
    unique constraint (reported as DUPLICATE_PLATE by `writes.conflicts`).
    """
    unclaimed = vehicles.c.plate == spec.plate.strip(), vehicles.c.driver_id.is_(None)
    adopt = update(vehicles).where(*unclaimed).values(driver_id=driver_id, **spec.values())
    if (await conn.execute(adopt)).rowcount == 0:
        await conn.execute(insert(vehicles).values(driver_id=driver_id, **spec.values()))


async def replace_vehicle(conn: AsyncConnection, driver_id: int, spec: VehicleSpec) -> None:
    current = (
        await conn.execute(select(vehicles).where(vehicles.c.driver_id == driver_id))
    ).first()
    if current is not None and current.plate == spec.plate.strip():
        await conn.execute(
            update(vehicles).where(vehicles.c.id == current.id).values(**spec.values())
        )
        return
    if current is not None:
        detach = update(vehicles).where(vehicles.c.id == current.id).values(driver_id=None)
        await conn.execute(detach)
    await attach_vehicle(conn, driver_id, spec)
