from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from cache import cache_control
from context import Context
from global_ids import id_encoder
from gql.types.connection import Connection
from gql.types.node import Node
from gql.types.row_fields import column_plans, private_column, row_type
from planner.connections import connection_plans
from planner.fields import Arguments, Batched, FieldPlans, global_id
from resolvers import season as resolve


@cache_control(max_age=3600)  # reference data: seasons are planned ahead
@row_type
@strawberry.type
class Season(Node):
    pk: strawberry.Private[int] = private_column("id")
    name: str
    starts_at: datetime
    ends_at: datetime


@cache_control(max_age=3600)
@strawberry.type
class SeasonConnection(Connection[Season]):
    @classmethod
    def node_of(cls, row: Row[Any]) -> Season:
        return Season.of(row)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await resolve.seasons_count(info.context)


# -- planned executor (planner/)

SEASON_PLANS: FieldPlans = {
    **column_plans(Season),
    "id": global_id(id_encoder("Season")),
}


async def _count_seasons(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    return [await resolve.seasons_count(context)] * len(values)


SEASON_CONNECTION_PLANS: FieldPlans = connection_plans(Batched(_count_seasons))
