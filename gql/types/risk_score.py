from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.types.enums import RiskLevel
from gql.types.row_fields import RowMapped, column, column_plans, row_type
from planner.fields import FieldPlans


@row_type
@strawberry.type
class RiskScore(RowMapped):
    score: float = column(description="0..100, higher is riskier.")
    # Stays the stored text: it equals the RiskLevel member's value, which is all
    # serialization needs.
    level: RiskLevel
    computed_at: datetime

    @classmethod
    def of_optional(cls, row: Row[Any] | None) -> RiskScore | None:
        return None if row is None else cls.of(row)


RISK_SCORE_PLANS: FieldPlans = column_plans(RiskScore)
