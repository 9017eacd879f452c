from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.types.enums import RiskLevel
from planner.fields import Attribute, FieldPlans


@strawberry.type
class RiskScore:
    score: float = strawberry.field(description="0..100, higher is riskier.")
    level: RiskLevel
    computed_at: datetime

    @classmethod
    def of_optional(cls, row: Row[Any] | None) -> RiskScore | None:
        return None if row is None else cls.of(row)

    @classmethod
    def of(cls, row: Row[Any]) -> RiskScore:
        # `level` stays the stored text: it equals the RiskLevel member's value,
        # which is all serialization needs.
        return cls(score=row.score, level=row.level, computed_at=row.computed_at)


RISK_SCORE_PLANS: FieldPlans = {
    "score": Attribute("score"),
    "level": Attribute("level"),
    "computedAt": Attribute("computed_at"),
}
