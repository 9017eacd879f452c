"""Relay Node interface and PageInfo."""

from __future__ import annotations

from typing import Any, Self

import strawberry

from global_ids import encode_id
from gql.types.row_fields import RowMapped
from pagination import Page


@strawberry.interface(description="Relay Global Object Identification.")
class Node(RowMapped):
    pk: strawberry.Private[int]

    @classmethod
    def of_optional(cls, row: Any | None) -> Self | None:
        return None if row is None else cls.of(row)

    @classmethod
    def required(cls, row: Any | None) -> Self:
        """For a to-one the schema says non-null: a missing row is a race, not data."""
        if row is None:
            raise LookupError(f"{cls.__name__} is gone")
        return cls.of(row)

    @strawberry.field(description="Opaque global id (base64 of 'Type:pk'). Stable across restarts.")  # type: ignore[untyped-decorator]
    def id(self) -> strawberry.ID:
        # Encoded on demand: most objects built for a response never show their id.
        # Concrete types are named as their GraphQL type.
        return strawberry.ID(encode_id(type(self).__name__, self.pk))


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any]) -> PageInfo:
        rows = page.rows
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(rows[0]) if rows else None,
            end_cursor=page.cursor(rows[-1]) if rows else None,
        )
