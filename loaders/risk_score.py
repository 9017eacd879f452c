"""The latest risk score per driver (latest computed_at, then highest id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from loaders.database import Database
from models import RiskScore

risk_scores = RiskScore.__table__


def _latest_per_driver(db: Database) -> Select[Any]:
    position = func.row_number().over(
        partition_by=risk_scores.c.driver_id,
        order_by=(risk_scores.c.computed_at.desc(), risk_scores.c.id.desc()),
    )
    ranked = (
        select(risk_scores, position.label("batch_position"))
        .where(db.match_ids(risk_scores.c.driver_id))
        .subquery()
    )
    return select(ranked).where(ranked.c.batch_position == 1)


class LatestRiskScoreByDriverIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, driver_ids: Sequence[int]) -> list[AnyRow | None]:
        statement = self.db.statement(type(self).__name__, lambda: _latest_per_driver(self.db))
        rows = await self.db.fetch(statement, {"ids": list(driver_ids)})
        return one_by_key(rows, driver_ids, lambda row: row.driver_id)
