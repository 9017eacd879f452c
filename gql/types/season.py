from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.context import Context
from gql.types.node import Node, PageInfo
from pagination import Page
from resolvers import season as resolve


@strawberry.type
class Season(Node):
    pk: strawberry.Private[int]
    name: str
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, row: Row[Any]) -> Season:
        return cls(
            pk=row.id,
            name=row.name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )


@strawberry.type
class SeasonEdge:
    cursor: str
    node: Season


@strawberry.type
class SeasonConnection:
    page: strawberry.Private[Page[Row[Any]]]

    @strawberry.field
    def edges(self) -> list[SeasonEdge]:
        return [SeasonEdge(cursor=self.page.cursor(r), node=Season.of(r)) for r in self.page.rows]

    @strawberry.field
    def nodes(self) -> list[Season]:
        return [Season.of(row) for row in self.page.rows]

    @strawberry.field
    def page_info(self) -> PageInfo:
        return PageInfo.of(self.page)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await resolve.seasons_count(info.context)
