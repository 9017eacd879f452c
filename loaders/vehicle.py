"""Vehicles by id and by driver id."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from models import Vehicle

vehicles = Vehicle.__table__

JOINED = "vehicle__"  # label prefix of vehicle columns joined into another row
VehicleRow = namedtuple("VehicleRow", [column.name for column in vehicles.c])  # type: ignore[misc]
_pick_joined = attrgetter(*(JOINED + column.name for column in vehicles.c))


def join_vehicle(query: Select[Any], driver_id: ColumnElement[int]) -> Select[Any]:
    """`query` with the driver's vehicle (if any) joined in: a to-one, no extra rows."""
    columns = [column.label(JOINED + column.name) for column in vehicles.c]
    return query.outerjoin(vehicles, vehicles.c.driver_id == driver_id).add_columns(*columns)


def joined_vehicle(row: Any) -> Any:
    """The vehicle row carried by a row built with `join_vehicle`, or None."""
    picked = _pick_joined(row)
    return None if picked[0] is None else VehicleRow._make(picked)


class VehicleByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select(vehicles).where(db.match_ids(vehicles.c.id))
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


class VehicleByDriverIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, driver_ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select(vehicles).where(db.match_ids(vehicles.c.driver_id))
        )
        rows = await db.fetch(statement, {"ids": list(driver_ids)})
        return one_by_key(rows, driver_ids, lambda row: row.driver_id)
