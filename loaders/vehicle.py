"""Vehicles by id and by driver id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from models import Vehicle

vehicles = Vehicle.__table__


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
