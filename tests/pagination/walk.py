"""Walk a connection page by page, checking every page's PageInfo on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.gql.client import GraphQLClient, Json

PAGE_FIELDS = """
    edges { cursor node { %s } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
"""
PAGE_ARGS = "first: $first, after: $after, last: $last, before: $before"
PAGE_VARIABLES = "$first: Int, $after: String, $last: Int, $before: String"


@dataclass(frozen=True)
class Connection:
    """One connection to walk: a document taking the page variables, and where its answer is.

    `selection` selects a node, `key` maps a node to what the expectation lists.
    """

    document: str
    path: tuple[str, ...]
    key: Callable[[Json], Any]
    variables: Json = field(default_factory=dict)

    async def page(self, gql: GraphQLClient, **page: Any) -> Json:
        data: Any = await gql.data(self.document, {**self.variables, **page})
        for name in self.path:
            data = data[name]
        assert isinstance(data, dict)
        return data


def connection(
    root: str,
    *,
    variables: Json,
    declarations: str = "",
    arguments: str = "",
    selection: str = "id",
    key: Callable[[Json], Any] = lambda node: node["id"],
    parent: tuple[str, str] | None = None,
) -> Connection:
    """A document `query(<page vars><declarations>) { [parent {] root(<page args><arguments>) }`."""
    inner = f"{root}({PAGE_ARGS}{arguments}) {{ {PAGE_FIELDS % selection} }}"
    path: tuple[str, ...] = (root,)
    if parent is not None:
        parent_field, parent_args = parent
        inner = f"{parent_field}({parent_args}) {{ {inner} }}"
        path = (parent_field, root)
    document = f"query Walk({PAGE_VARIABLES}{declarations}) {{ {inner} }}"
    return Connection(document, path, key, variables)


def _check_page(conn: Json, k: int) -> list[Json]:
    edges: list[Json] = conn["edges"]
    info = conn["pageInfo"]
    assert len(edges) <= k
    if edges:
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]
    else:
        assert info["startCursor"] is None and info["endCursor"] is None
    return edges


async def walk_forward(gql: GraphQLClient, target: Connection, k: int, total: int) -> list[Any]:
    """Every key, following `first: k, after: endCursor` until hasNextPage is false."""
    seen: list[Any] = []
    after: str | None = None
    for index in range(total // k + 2):
        conn = await target.page(gql, first=k, after=after)
        edges = _check_page(conn, k)
        info = conn["pageInfo"]
        seen.extend(target.key(edge["node"]) for edge in edges)
        assert info["hasPreviousPage"] is (index > 0), (index, info)
        if not info["hasNextPage"]:
            assert len(seen) == total, "the last page came early"
            assert edges or total == 0, "an empty trailing page"
            return seen
        assert len(edges) == k, "a short page before the end"
        after = info["endCursor"]
    raise AssertionError(f"no end after {total // k + 2} pages of {k} ({len(seen)} rows)")


async def walk_backward(gql: GraphQLClient, target: Connection, k: int, total: int) -> list[Any]:
    """Every key in display order, following `last: k, before: startCursor` to the start."""
    pages: list[list[Any]] = []
    before: str | None = None
    for index in range(total // k + 2):
        conn = await target.page(gql, last=k, before=before)
        edges = _check_page(conn, k)
        info = conn["pageInfo"]
        pages.append([target.key(edge["node"]) for edge in edges])
        assert info["hasNextPage"] is (index > 0), (index, info)
        if not info["hasPreviousPage"]:
            seen = [key for page in reversed(pages) for key in page]
            assert len(seen) == total, "the first page came early"
            assert edges or total == 0, "an empty leading page"
            return seen
        assert len(edges) == k, "a short page before the start"
        before = info["startCursor"]
    raise AssertionError(f"no start after {total // k + 2} pages of {k}")


async def assert_walks(gql: GraphQLClient, target: Connection, k: int, expected: list[Any]) -> None:
    forward, backward = await asyncio.gather(
        walk_forward(gql, target, k, len(expected)), walk_backward(gql, target, k, len(expected))
    )
    assert forward == expected, "walking forward"
    assert backward == expected, "walking backward"
