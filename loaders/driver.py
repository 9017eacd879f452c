"""Drivers: by id, and the top-level `drivers` page."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import Integer, Label, Select, bindparam, func, select

from bounded import BoundedLRU
from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database, row_shapes
from loaders.filters import DriverFilterSpec
from loaders.vehicle import JOINED as VEHICLE_JOINED
from loaders.vehicle import VehicleJoin, join_vehicle
from models import Driver
from pagination import Ordering, Page, PageQuery

drivers = Driver.__table__
ID = bindparam("id", type_=Integer)

JOINED = "driver__"  # label prefix of driver columns joined into another row
DriverRow = namedtuple("DriverRow", [column.name for column in drivers.c])  # type: ignore[misc]


_pick_joined = attrgetter(*(JOINED + column.name for column in drivers.c))


def joined_driver_columns(columns: tuple[str, ...] | None = None) -> list[Any]:
    """Driver columns (all, or those named) to join into a parent's statement
    (see `joined_driver`, `joined_driver_and_vehicle`)."""
    return [
        column.label(JOINED + column.name)
        for column in drivers.c
        if columns is None or column.name in columns
    ]


def joined_driver(row: Any) -> Any:
    """The driver row carried by a parent row built with `joined_driver_columns`."""
    return DriverRow._make(_pick_joined(row))


def joined_driver_and_vehicle(row: Any) -> Any:
    """The driver carried by `row` (whichever of its columns were joined), still
    carrying its joined vehicle columns when present."""
    fields: tuple[str, ...] = row._fields
    make = _JOINED_SHAPES.get(fields)
    if make is None:
        make = _joined_shape(fields)
        _JOINED_SHAPES.put(fields, make)
    return make(row)


# One maker per row shape.
_JOINED_SHAPES: BoundedLRU[tuple[str, ...], Callable[[Any], Any]] = row_shapes()


def _joined_shape(fields: tuple[str, ...]) -> Callable[[Any], Any]:
    driver = [name for name in fields if name.startswith(JOINED)]
    vehicle = [name for name in fields if name.startswith(VEHICLE_JOINED)]
    shape = namedtuple(  # type: ignore[misc]
        "JoinedDriver", [name.removeprefix(JOINED) for name in driver] + vehicle
    )
    picks = (*driver, *vehicle)
    new = tuple.__new__  # straight: namedtuple._make is a Python wrapper over it
    if len(picks) == 1:
        pick_one = attrgetter(picks[0])
        return lambda row: new(shape, (pick_one(row),))
    pick = attrgetter(*picks)
    return lambda row: new(shape, pick(row))


def select_drivers(
    ordering: Ordering | None = None, columns: tuple[str, ...] | None = None
) -> Select[Any]:
    """Driver columns (all, or `columns`), plus any computed sort key the ordering's
    cursor needs."""
    extra = [c for c in ordering.columns if isinstance(c, Label)] if ordering else []
    if columns is None:
        return select(drivers, *extra)
    return select(*(drivers.c[name] for name in columns if name in drivers.c), *extra)


class DriverByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        db = self.db
        statement = db.statement(
            type(self).__name__, lambda: select_drivers().where(db.match_ids(drivers.c.id))
        )
        rows = await db.fetch(statement, {"ids": list(ids)})
        return one_by_key(rows, ids, lambda row: row.id)


async def fetch_driver_page(
    db: Database,
    page: PageQuery,
    with_vehicle: VehicleJoin = False,
    columns: tuple[str, ...] | None = None,
) -> Page[AnyRow]:
    """A page of drivers (`page.filter`: a DriverFilterSpec); `with_vehicle` joins each
    driver's vehicle into its row; `columns`: only these driver columns (must hold
    `id`), else all."""

    def build() -> Select[Any]:
        query = select_drivers(page.ordering, columns)
        if with_vehicle:
            query = join_vehicle(query, drivers.c.id, with_vehicle)
        return page.apply(query)

    statement = db.statement(("driver_page", page.shape, with_vehicle, columns), build)
    return page.page(await db.fetch(statement, page.params()))


def driver_query(with_vehicle: VehicleJoin, columns: tuple[str, ...] | None) -> Select[Any]:
    """The driver whose id is bound to `id`, its vehicle joined in when asked."""
    query = select_drivers(None, columns).where(drivers.c.id == ID)
    return join_vehicle(query, drivers.c.id, with_vehicle) if with_vehicle else query


async def fetch_driver(
    db: Database,
    driver_id: int,
    *,
    with_vehicle: VehicleJoin = True,
    columns: tuple[str, ...] | None = None,
) -> AnyRow | None:
    """One driver, its vehicle joined in when asked (see `loaders.vehicle.joined_vehicle`);
    `columns`: only these driver columns (must hold `id`), else all."""
    statement = db.statement(
        ("driver", with_vehicle, columns), lambda: driver_query(with_vehicle, columns)
    )
    rows = await db.fetch(statement, {"id": driver_id})
    return rows[0] if rows else None


async def count_drivers(db: Database, spec: DriverFilterSpec | None) -> int:
    spec = spec or DriverFilterSpec()
    statement = db.statement(
        ("driver_count", spec.shape),
        lambda: select(func.count()).select_from(drivers).where(*spec.clauses()),
    )
    return int((await db.fetch(statement, spec.params()))[0][0])
