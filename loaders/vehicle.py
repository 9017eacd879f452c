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
        rows = await self.db.fetch(select(vehicles).where(self.db.match_ids(vehicles.c.id, ids)))
        return one_by_key(rows, ids, lambda row: row.id)


class VehicleByDriverIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, driver_ids: Sequence[int]) -> list[AnyRow | None]:
        query = select(vehicles).where(self.db.match_ids(vehicles.c.driver_id, driver_ids))
        rows = await self.db.fetch(query)
        return one_by_key(rows, driver_ids, lambda row: row.driver_id)
