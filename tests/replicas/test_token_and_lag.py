"""The token's text, lag as the router measures it, and the primary's position."""

from __future__ import annotations

import pytest

from replicas import parse_token, token_of
from replicas.replica import PrimarySamples, record_end_sql
from tests.replicas.conftest import PgPair


def test_token_round_trips_a_wal_position() -> None:
    for wal in (1, 0x16B374D848, 2**63 - 1):
        assert parse_token(token_of(wal)) == wal


@pytest.mark.parametrize(
    "text", ["", "xyz", "-12", "1" * 17, "\uff11\uff12", "0x10", "1_0", " 10", "AB"]
)
def test_unreadable_tokens_are_none(text: str) -> None:
    assert parse_token(text) is None


def test_lag_is_how_long_ago_the_primary_passed_the_replica() -> None:
    samples = PrimarySamples(keep_seconds=10)
    samples.add(100.0, 50)
    samples.add(101.0, 80)
    samples.add(102.0, 80)
    assert samples.lag(80, now=102.0) == 0.0  # caught up
    assert samples.lag(60, now=102.0) == 1.0  # behind since the primary reached 80
    assert samples.lag(10, now=102.0) == 2.0
    samples.add(130.0, 90)  # samples older than 10 s age out
    assert len(samples.samples) == 1
    assert samples.lag(10, now=131.0) == 1.0  # behind the oldest sample kept


@pytest.mark.parametrize(
    ("position", "record_end"),
    [
        (5 * 8192 + 24, 5 * 8192),  # just past a page's header: the page's start
        (3 * 16 * 1024 * 1024 + 40, 3 * 16 * 1024 * 1024),  # past a segment's long header
        (5 * 8192 + 100, 5 * 8192 + 100),  # inside a page: as it is
        (5 * 8192, 5 * 8192),
    ],
)
def test_a_position_past_a_page_header_is_its_records_end(
    pg_pair: PgPair, position: int, record_end: int
) -> None:
    sql = " ".join(record_end_sql(f"{position}::bigint").split())  # one line for psql -c
    assert int(pg_pair.primary_sql(sql)) == record_end
