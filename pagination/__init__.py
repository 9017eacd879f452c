"""Relay cursor connections over keyset (seek) pagination. Never OFFSET.

- `args`: first/after/last/before validated into a `PageRequest`.
- `cursor`: opaque, validated cursors (base64 of JSON sort values + id).
- `keyset`: the ordering, the seek predicate and the `Page` of rows.
"""

from pagination.args import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest, page_request
from pagination.cursor import decode_cursor, encode_cursor
from pagination.keyset import (
    Ordering,
    Page,
    apply_page,
    make_page,
    page_params,
    request_page,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Ordering",
    "Page",
    "PageRequest",
    "apply_page",
    "decode_cursor",
    "encode_cursor",
    "make_page",
    "page_params",
    "page_request",
    "request_page",
]
