"""pagination.cursor: opaque, typed, validated cursors."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errors import InvalidCursor
from pagination.cursor import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor

KINDS = (datetime, float, str, int)
WHEN = datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def raw_cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode("ascii")


def test_round_trip_keeps_types() -> None:
    cursor = encode_cursor("T:A", [WHEN, 12.5, "Ada", 7])
    assert decode_cursor("T:A", cursor, KINDS) == (WHEN, 12.5, "Ada", 7)


def test_cursor_is_opaque_urlsafe_base64() -> None:
    cursor = encode_cursor("T:A", ["Zoë?/+", 1])
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    assert "Zo" not in cursor


def test_offsets_survive_and_compare_equal() -> None:
    plus_two = WHEN.astimezone(timezone(timedelta(hours=2)))
    (decoded,) = decode_cursor("T", encode_cursor("T", [plus_two]), (datetime,))
    assert decoded == WHEN
    assert decoded.utcoffset() == timedelta(hours=2)


def test_integer_is_accepted_where_a_float_is_expected() -> None:
    assert decode_cursor("T", raw_cursor(["T", 3, 1]), (float, int)) == (3.0, 1)


@pytest.mark.parametrize("tag", ["Other:A", "T:D", "t:a", ""])
def test_cursor_of_another_connection_or_ordering_is_refused(tag: str) -> None:
    cursor = encode_cursor(tag, ["Ada", 1])
    with pytest.raises(InvalidCursor, match="does not belong"):
        decode_cursor("T:A", cursor, (str, int))


@pytest.mark.parametrize(
    "payload",
    [
        ["T", "Ada"],  # too few values
        ["T", "Ada", 1, 2],  # too many values
        {"tag": "T"},  # not a list
        "T",
        [],
    ],
)
def test_wrong_shape_is_refused(payload: object) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor("T", raw_cursor(payload), (str, int))


@pytest.mark.parametrize(
    ("kinds", "values"),
    [
        ((int,), [True]),  # bool is not an id
        ((int,), [1.5]),
        ((int,), ["1"]),
        ((float,), [False]),
        ((float,), ["1.5"]),
        ((float,), [None]),
        ((str,), [1]),
        ((datetime,), ["2025-03-01T12:00:00"]),  # naive
        ((datetime,), ["yesterday"]),
        ((datetime,), [1700000000]),
        # Decodable but unbindable: never issued, and the database would choke on them.
        ((int,), [2**31]),
        ((int,), [-(2**31) - 1]),
        ((int,), [2**64 - 1]),
        ((datetime,), ["0001-01-01T00:00:00+14:00"]),
        ((datetime,), ["9999-12-31T23:59:59-12:00"]),
        ((str,), ["a\u0000b"]),
    ],
)
def test_values_of_the_wrong_type_are_refused(
    kinds: tuple[type, ...], values: list[object]
) -> None:
    with pytest.raises(InvalidCursor, match="not valid"):
        decode_cursor("T", raw_cursor(["T", *values]), kinds)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "e30",  # '{}' without padding
        base64.urlsafe_b64encode(b"\xff\xfe not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2").decode(),
        "Zöë",  # not ASCII
    ],
)
def test_garbage_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor("T", cursor, (str, int))


def test_overlong_cursor_is_refused_before_decoding() -> None:
    cursor = encode_cursor("T", ["x" * MAX_CURSOR_LENGTH, 1])
    assert len(cursor) > MAX_CURSOR_LENGTH
    with pytest.raises(InvalidCursor, match="too long"):
        decode_cursor("T", cursor, (str, int))


def test_tampered_cursor_is_refused_or_decodes_to_valid_types() -> None:
    cursor = encode_cursor("T:A", ["Ada", 7])
    for i in range(len(cursor)):
        for replacement in "A_-9":
            tampered = cursor[:i] + replacement + cursor[i + 1 :]
            try:
                name, pk = decode_cursor("T:A", tampered, (str, int))
            except InvalidCursor:
                continue
            assert isinstance(name, str)
            assert isinstance(pk, int)
            assert not isinstance(pk, bool)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_either_decodes_or_raises_invalid_cursor(text: str) -> None:
    with contextlib.suppress(InvalidCursor):
        decode_cursor("T", text, (datetime, float, int))


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(timezones=st.just(UTC)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.integers(min_value=1, max_value=2**31 - 1),
)
def test_round_trip_property(when: datetime, number: float, text: str, pk: int) -> None:
    cursor = encode_cursor("T", [when, number, text, pk])
    assert decode_cursor("T", cursor, KINDS) == (when, number, text, pk)
