"""Relay cursor connections over keyset (seek) pagination. Never OFFSET.

- `args`: first/after/last/before validated into a `PageRequest`.
- `cursor`: opaque, validated cursors (base64 of JSON sort values + id).
- `keyset`: the ordering, the seek predicate and the `Page` of rows.
- `query`: a connection field's `PageQuery` (ordering, window, filter), the one
  value every layer takes.
- `children`: pages of many parents' children in one statement.
"""

from pagination.args import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest, page_request
from pagination.cursor import decode_cursor, encode_cursor
from pagination.keyset import Ordering, Page, apply_page, make_page, page_params
from pagination.query import PageFilter, PageQuery, PageWindow, page_query, request_page

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Ordering",
    "Page",
    "PageFilter",
    "PageQuery",
    "PageRequest",
    "PageWindow",
    "apply_page",
    "decode_cursor",
    "encode_cursor",
    "make_page",
    "page_params",
    "page_query",
    "page_request",
    "request_page",
]
