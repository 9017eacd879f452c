"""pagination.args: first/after/last/before validated into a PageRequest."""

from __future__ import annotations

import pytest

from errors import InvalidArgument
from pagination.args import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest, page_request

AFTER = ("Ada", 1)
BEFORE = ("Zed", 9)


def test_limits_are_the_documented_ones() -> None:
    assert (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) == (20, 100)


def test_first_pages_forward() -> None:
    assert page_request(5, None, AFTER, None) == PageRequest(5, False, AFTER, None)


def test_last_pages_backward() -> None:
    assert page_request(None, 5, None, BEFORE) == PageRequest(5, True, None, BEFORE)


def test_both_cursors_bound_the_window() -> None:
    request = page_request(5, None, AFTER, BEFORE)
    assert (request.after, request.before, request.backward) == (AFTER, BEFORE, False)


def test_neither_size_gives_a_default_page_forward() -> None:
    assert page_request(None, None, None, None) == PageRequest(20, False, None, None)
    assert page_request(None, None, AFTER, None) == PageRequest(20, False, AFTER, None)
    assert page_request(None, None, AFTER, BEFORE).backward is False


def test_only_before_without_size_pages_backward() -> None:
    assert page_request(None, None, None, BEFORE) == PageRequest(20, True, None, BEFORE)


def test_first_and_last_take_last_from_the_first_window() -> None:
    assert page_request(10, 3, None, None) == PageRequest(10, False, None, None, trim_last=3)
    # `last` at least `first` trims nothing.
    assert page_request(3, 10, None, None).trim_last is None
    assert page_request(3, 3, None, None).trim_last is None


@pytest.mark.parametrize("size", [0, 1, MAX_PAGE_SIZE])
def test_sizes_within_bounds_are_accepted(size: int) -> None:
    assert page_request(size, None, None, None).limit == size
    assert page_request(None, size, None, None).limit == size


@pytest.mark.parametrize(("first", "last"), [(101, None), (None, 101), (10**9, None), (5, 500)])
def test_above_the_maximum_names_the_limit(first: int | None, last: int | None) -> None:
    with pytest.raises(InvalidArgument, match=rf"at most {MAX_PAGE_SIZE}") as raised:
        page_request(first, last, None, None)
    name = "first" if first is not None and first > MAX_PAGE_SIZE else "last"
    assert f"`{name}`" in raised.value.message
    assert raised.value.code == "BAD_USER_INPUT"


@pytest.mark.parametrize(("first", "last"), [(-1, None), (None, -1), (5, -3), (-(2**40), None)])
def test_negative_sizes_are_refused(first: int | None, last: int | None) -> None:
    with pytest.raises(InvalidArgument, match="must not be negative"):
        page_request(first, last, None, None)


def test_request_is_hashable_for_loader_keys() -> None:
    assert hash(page_request(5, None, AFTER, None)) == hash(page_request(5, None, AFTER, None))
    assert len({page_request(5, None, None, None), page_request(5, None, None, None)}) == 1
