"""Vehicles by id and by driver id."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from bounded import BoundedLRU
from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import row_shapes
from models import Vehicle

vehicles = Vehicle.__table__

JOINED = "vehicle__"  # label prefix of vehicle columns joined into another row
VehicleRow = namedtuple("VehicleRow", [column.name for column in vehicles.c])  # type: ignore[misc]

# Whether a statement joins the driver's vehicle: False no, True every column, or
# these columns (with `id`).
VehicleJoin = bool | tuple[str, ...]


def join_vehicle(
    query: Select[Any], driver_id: ColumnElement[int], which: VehicleJoin = True
) -> Select[Any]:
    """`query` with the driver's vehicle (if any) joined in: a to-one, no extra rows;
    `which`: its columns (must hold `id`), True: all."""
    picked = vehicles.c if which is True else [vehicles.c[name] for name in which or ()]
    columns = [column.label(JOINED + column.name) for column in picked]
    return query.outerjoin(vehicles, vehicles.c.driver_id == driver_id).add_columns(*columns)


def joined_vehicle(row: Any) -> Any:
    """The vehicle row carried by a row built with `join_vehicle`, or None."""
    fields: tuple[str, ...] = row._fields  # SQLAlchemy's rows share one type: not the key
    make = _MAKERS.get(fields)
    if make is None:
        make = _maker(fields)
        _MAKERS.put(fields, make)
    return make(row)


_MAKERS: BoundedLRU[tuple[str, ...], Callable[[Any], Any]] = row_shapes()  # one per row shape


def _row_type(names: list[str]) -> Any:
    return namedtuple("VehicleRow", names)


def _maker(fields: tuple[str, ...]) -> Callable[[Any], Any]:
    names = [name for name in fields if name.startswith(JOINED)]
    row_type: Any = VehicleRow
    if len(names) != len(vehicles.c):
        row_type = _row_type([name.removeprefix(JOINED) for name in names])
    new, at = tuple.__new__, names.index(JOINED + "id")
    if len(names) == 1:
        pick_one = attrgetter(names[0])
        return lambda row: None if (value := pick_one(row)) is None else new(row_type, (value,))
    pick = attrgetter(*names)
    return lambda row: None if (picked := pick(row))[at] is None else new(row_type, picked)


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
