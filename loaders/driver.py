"""Drivers: by id, by vehicle, and the top-level `drivers` page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database
from loaders.filters import DriverFilterSpec
from models import Driver
from pagination import Ordering, Page, PageRequest, apply_page, make_page

drivers = Driver.__table__


def select_drivers(ordering: Ordering | None = None) -> Select[Any]:
    extra = [c for c in ordering.columns if isinstance(c, Label)] if ordering else []
    return select(drivers, *extra)


def driver_filters(spec: DriverFilterSpec | None) -> list[ColumnElement[bool]]:
    if spec is None:
        return []
    clauses: list[ColumnElement[bool]] = []
    if spec.region is not None:
        clauses.append(drivers.c.region == spec.region)
    if spec.name_contains:
        clauses.append(drivers.c.name.icontains(spec.name_contains, autoescape=True))
    if spec.risk_level is not None:
        clauses.append(drivers.c.risk_level == spec.risk_level)
    return clauses


class DriverByIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, ids: Sequence[int]) -> list[AnyRow | None]:
        rows = await self.db.fetch(select_drivers().where(self.db.match_ids(drivers.c.id, ids)))
        return one_by_key(rows, ids, lambda row: row.id)


async def fetch_driver_page(
    db: Database, spec: DriverFilterSpec | None, ordering: Ordering, request: PageRequest
) -> Page[AnyRow]:
    query = apply_page(select_drivers(ordering).where(*driver_filters(spec)), ordering, request)
    return make_page(await db.fetch(query), ordering, request)


async def count_drivers(db: Database, spec: DriverFilterSpec | None) -> int:
    from sqlalchemy import func

    query = select(func.count()).select_from(drivers).where(*driver_filters(spec))
    rows = await db.fetch(query)
    return int(rows[0][0])
