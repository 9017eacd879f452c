"""Accept negotiation over client headers: bounded memory."""

from __future__ import annotations

from gql import http_errors
from gql.http_errors import GRAPHQL_RESPONSE_JSON, JSON, MAX_REMEMBERED_ACCEPT, negotiate


def test_negotiation() -> None:
    assert negotiate(None) == JSON
    assert negotiate("application/graphql-response+json, application/json;q=0.9") == (
        GRAPHQL_RESPONSE_JSON
    )
    assert negotiate("application/graphql-response+json;q=0, */*") == JSON


def test_accept_headers_are_remembered_within_bounds() -> None:
    remembered = http_errors._negotiated
    before = remembered.bytes
    for i in range(8):  # 8 x 1 MiB headers once added 13 MB
        header = f"application/json;v={i}, " + "x" * (1 << 20)
        assert negotiate(header) == JSON
        assert header not in remembered
    assert remembered.bytes == before
    for i in range(2_000):  # many short ones: at most the table's bounds
        negotiate(f"application/json;v={i}")
        assert remembered.bytes <= remembered.max_bytes
    assert len(remembered) <= remembered.max_entries
    short = "application/graphql-response+json;v=x"
    assert len(short) <= MAX_REMEMBERED_ACCEPT
    negotiate(short)
    assert short in remembered
