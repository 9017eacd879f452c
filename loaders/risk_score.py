"""The latest risk score per driver (latest computed_at, then highest id)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from loaders.base import AnyRow, Loader
from loaders.batch import one_by_key
from models import RiskScore

risk_scores = RiskScore.__table__


class LatestRiskScoreByDriverIdLoader(Loader[int, AnyRow | None]):
    async def batch_load_fn(self, driver_ids: Sequence[int]) -> list[AnyRow | None]:
        position = func.row_number().over(
            partition_by=risk_scores.c.driver_id,
            order_by=(risk_scores.c.computed_at.desc(), risk_scores.c.id.desc()),
        )
        ranked = (
            select(risk_scores, position.label("batch_position"))
            .where(self.db.match_ids(risk_scores.c.driver_id, driver_ids))
            .subquery()
        )
        rows = await self.db.fetch(select(ranked).where(ranked.c.batch_position == 1))
        return one_by_key(rows, driver_ids, lambda row: row.driver_id)
