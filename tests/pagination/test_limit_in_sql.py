"""A page's LIMIT is written into its statement, and its size is part of the
statement's shape (pagination/keyset.py `limit_of`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from loaders.orderings import driver_ordering
from models import Driver
from pagination import request_page
from pagination.keyset import apply_page, page_params


def test_the_limit_is_in_the_sql_not_a_parameter() -> None:
    ordering = driver_ordering("NAME", False)
    request = request_page(ordering, 50, None, None, None)
    query = apply_page(select(Driver.__table__.c.id), ordering, request)
    sql = str(query.compile(dialect=postgresql.asyncpg.dialect()))
    assert sql.rstrip().endswith("LIMIT 51")
    assert "limit" not in page_params(ordering, request)


def test_page_sizes_are_distinct_shapes() -> None:
    ordering = driver_ordering("NAME", False)
    ten = request_page(ordering, 10, None, None, None)
    twenty = request_page(ordering, 20, None, None, None)
    assert ten.shape != twenty.shape
