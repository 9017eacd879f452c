"""Relay connection shapes shared by every keyset-paged list.

`Connection[Driver]` is printed as `DriverConnection` and its edges as
`DriverEdge`, the contract's names; each concrete connection names the
node class it builds from rows and adds its own `totalCount`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Row

from gql.types.node import PageInfo
from pagination import Page

NodeT = TypeVar("NodeT")


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    page: strawberry.Private[Page[Row[Any]]]

    @classmethod
    def node_of(cls, row: Row[Any]) -> NodeT:
        raise NotImplementedError

    @strawberry.field
    def edges(self) -> list[Edge[NodeT]]:
        page, node_of = self.page, self.node_of
        return [Edge(cursor=page.cursor(row), node=node_of(row)) for row in page.rows]

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        node_of = self.node_of
        return [node_of(row) for row in self.page.rows]

    @strawberry.field
    def page_info(self) -> PageInfo:
        return PageInfo.of(self.page)
