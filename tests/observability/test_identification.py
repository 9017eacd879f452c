"""Naming the operation for logs, metrics and spans: within the token limit, with
bounded memory, and without scanning more of a document than a span carries."""

from __future__ import annotations

import json
from typing import Any

import pytest

from observability import document as span_document
from observability import operation
from observability.document import MAX_DOCUMENT_LENGTH, document_attribute
from observability.request import RequestRecord
from tests.observability.app import traced_app

NAMED = "query Named { " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"  # 125 tokens


def _record(max_tokens: int) -> RequestRecord:
    return RequestRecord("POST", "/graphql", max_tokens=max_tokens)


def test_a_document_over_the_token_limit_is_not_parsed_for_its_name() -> None:
    assert operation._identify(NAMED, None, _record(100)) == (None, None)
    assert operation._identify(NAMED, "Named", _record(100)) == ("Named", None)  # as sent
    assert (NAMED, None) not in operation._identified
    assert operation._identify(NAMED, None, _record(200)) == ("Named", "query")
    assert operation._identify(NAMED, None, _record(0)) == ("Named", "query")  # 0: no limit


def test_the_identification_parse_gets_the_token_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    limits: list[object] = []
    parse = operation.parse

    def recorded(text: str, **options: Any) -> Any:
        limits.append(options.get("max_tokens"))
        return parse(text, **options)

    monkeypatch.setattr(operation, "parse", recorded)
    operation._identify("query Fresh { __typename }", None, _record(321))
    operation._identify("query Fresher { __typename }", None, None)  # no request record
    assert limits == [321, operation.DEFAULT_MAX_TOKENS]


def test_names_a_document_lacks_are_not_remembered() -> None:
    table = operation._identified
    text = "query Real { __typename }"
    entries, size = len(table), table.bytes
    for i in range(60):  # 60 requests with 95 KB names once grew the process 8.6 MB
        name = f"{i}" + "n" * 95_000
        assert operation._identify(text, name, _record(2_000)) == (name, None)
    assert (len(table), table.bytes) == (entries, size)


def test_long_documents_are_remembered_by_hash_within_bounds() -> None:
    table = operation._identified
    for i in range(300):
        text = f"query Long{i} {{ __typename }}" + " " * 50_000
        assert operation._identify(text, None, _record(2_000)) == (f"Long{i}", "query")
        assert table.bytes <= table.max_bytes
    assert all(len(key[0]) <= operation.MAX_TEXT_KEY for key in table._entries)


def test_the_span_document_is_masked_from_a_capped_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[int] = []
    pattern = span_document._STRING

    class Recorder:
        def sub(self, replace: str, text: str) -> str:
            scanned.append(len(text))
            return pattern.sub(replace, text)

    monkeypatch.setattr(span_document, "_STRING", Recorder())
    # An escaped quote after every quote: each one opened a rescan to the end.
    text = 'query Q { a(s: "' + '\\"' * 100_000 + '") }'
    masked = document_attribute(text, "masked")
    assert scanned == [MAX_DOCUMENT_LENGTH]
    assert masked == 'query Q { a(s: "***"'  # the string the cut left open is masked too
    assert document_attribute('{ a(s: "x", t: """b\nc""") }', "masked") == (
        '{ a(s: "***", t: "***") }'
    )


async def test_the_log_line_names_an_over_limit_document_as_sent(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with traced_app(seeded_db_url, tracing=False, max_tokens=100) as app:
        capsys.readouterr()
        response = await app.post(NAMED, body={"operationName": "Sent"})
        assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_TOKENS"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line[:1] == "{"]
    [line] = [line for line in lines if line["logger"] == "fleetgraph.request"]
    assert (line["operation_name"], line["operation_type"]) == ("Sent", None)


def test_masked_documents_are_remembered_within_bounds() -> None:
    table = span_document._masked
    for i in range(1_000):
        document_attribute(f'query Q{i} {{ a(s: "{"s" * 20_000}") }}', "masked")
        assert table.bytes <= table.max_bytes
    assert all(len(key) <= MAX_DOCUMENT_LENGTH for key in table._entries)
