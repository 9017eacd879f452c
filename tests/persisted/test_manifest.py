from __future__ import annotations

import orjson
import pytest

from persisted import ManifestError, parse_manifest


def test_apollo_manifest() -> None:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": "abc", "name": "A", "type": "query", "body": "query A { a }"},
            {"id": "def", "name": "B", "type": "mutation", "body": "mutation B { b }"},
        ],
    }
    assert parse_manifest(orjson.dumps(manifest)) == {
        "abc": "query A { a }",
        "def": "mutation B { b }",
    }


def test_relay_map() -> None:
    assert parse_manifest('{"1a2b": "query A { a }"}') == {"1a2b": "query A { a }"}


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"format": "something-else", "version": 1, "operations": []}',
        '{"format": "apollo-persisted-query-manifest", "version": 2, "operations": []}',
        '{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": 1}]}',
        '{"x": 3}',
        '{"x": ""}',
    ],
)
def test_refuses_bad_manifests(raw: str) -> None:
    with pytest.raises(ManifestError):
        parse_manifest(raw)
