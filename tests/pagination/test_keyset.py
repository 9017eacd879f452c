"""pagination.keyset.make_page: limit + 1 fetched rows → a page and its PageInfo facts."""

from __future__ import annotations

from sqlalchemy import column

from pagination import Ordering, PageRequest, encode_cursor, make_page, request_page
from pagination.query import _requests

ORDERING = Ordering("T:A", (column("id"),), ("id",), (int,), False)


def page(fetched: list[int], request: PageRequest) -> tuple[list[int], bool, bool]:
    result = make_page(fetched, ORDERING, request)
    return list(result.rows), result.has_next_page, result.has_previous_page


def test_forward_first_page() -> None:
    assert page([1, 2, 3, 4], PageRequest(3, False, None, None)) == ([1, 2, 3], True, False)
    assert page([1, 2, 3], PageRequest(3, False, None, None)) == ([1, 2, 3], False, False)


def test_forward_after_a_cursor_has_a_previous_page() -> None:
    assert page([5, 6], PageRequest(3, False, (4,), None)) == ([5, 6], False, True)


def test_backward_pages_come_back_in_display_order() -> None:
    # Fetched nearest-first (descending), shown ascending.
    assert page([9, 8, 7, 6], PageRequest(3, True, None, None)) == ([7, 8, 9], False, True)
    assert page([3, 2], PageRequest(3, True, None, (4,))) == ([2, 3], True, False)


def test_first_and_last_trim_the_window_from_its_end() -> None:
    request = PageRequest(5, False, None, None, trim_last=2)
    assert page([1, 2, 3, 4, 5, 6], request) == ([4, 5], True, True)
    request = PageRequest(5, False, None, None, trim_last=0)
    assert page([1, 2], request) == ([], False, True)


def test_empty_and_zero_sized_pages() -> None:
    assert page([], PageRequest(3, False, None, None)) == ([], False, False)
    assert page([1], PageRequest(0, False, None, None)) == ([], True, False)


def test_cursor_round_trips_through_the_ordering() -> None:
    class Row:
        id = 42

    cursor = make_page([Row()], ORDERING, PageRequest(1, False, None, None)).cursor(Row())
    assert ORDERING.decode(cursor) == (42,)


def test_remembered_page_requests_are_bounded_in_bytes() -> None:
    for i in range(500):  # a leaderboard's tag names its region: the client's text
        ordering = Ordering(f"T:{i}:" + "r" * 20_000, (column("id"),), ("id",), (int,), False)
        assert request_page(ordering, 5).limit == 5
        assert (ordering, 5, None, None, None, None) not in _requests
    for i in range(5_000):
        cursor = encode_cursor("T:A", [i])
        assert request_page(ORDERING, 3, cursor).after == (i,)
        assert _requests.bytes <= _requests.max_bytes
    assert len(_requests) <= _requests.max_entries
