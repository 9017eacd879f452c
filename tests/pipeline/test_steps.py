"""The pipeline's steps on their own: typed values in, typed values out."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.http import process_result
from strawberry.types import ExecutionResult

from auth.tokens import ANONYMOUS
from cache.entry import Entry
from cache.hints import Scope
from cache.plan import CachePlan
from compat.strawberry import graphql_schema
from gql.schema import build_schema
from persisted import InProcessStore, PersistedDocuments, sha256_hex
from pipeline import GraphQLRequest, Operation
from pipeline.cache_meta import annotate
from pipeline.fast_route import takes
from pipeline.persisted_documents import resolve
from pipeline.response_cache import Bypass, Cacheable
from pipeline.shape import shaped
from prepared import DocumentCache

TEXT = "query Season { activeSeason { id name } }"


def _request(*operations: Operation, batch: bool = False) -> GraphQLRequest:
    return GraphQLRequest(tuple(operations), batch, "POST", ANONYMOUS, None)


async def test_a_sent_text_is_passed_on_as_it_is() -> None:
    request = _request(Operation(TEXT, None, None))
    resolved = await resolve(request, PersistedDocuments(InProcessStore()))
    assert resolved is request.operations  # nothing new for the common case


async def test_an_apq_text_with_its_hash_registers_and_a_hash_finds_it() -> None:
    documents = PersistedDocuments(InProcessStore())
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(TEXT)}}
    [sent] = await resolve(_request(Operation(TEXT, None, None, persisted)), documents)
    assert sent.registers and sent.query == TEXT
    await documents.register(TEXT, persisted)
    [found] = await resolve(_request(Operation(None, None, None, persisted)), documents)
    assert found.query == TEXT and not found.registers


def test_the_fast_route_takes_valid_queries_without_a_response_cache() -> None:
    cache = DocumentCache(graphql_schema(build_schema()))
    query = (Operation(TEXT, None, None),)
    mutation_text = 'mutation { deleteTrip(id: "x") { deletedTripId } }'
    assert takes(query, cache.prepare(TEXT), None)
    assert not takes(query, cache.prepare(TEXT), Bypass("private"))  # the general route's
    assert not takes((Operation(mutation_text, None, None),), cache.prepare(mutation_text), None)
    assert not takes((Operation("{ nope }", None, None),), cache.prepare("{ nope }"), None)
    registering = (Operation(TEXT, None, None, registers=True),)
    assert not takes(registering, cache.prepare(TEXT), None)
    assert cache.prepare(TEXT).memo.entries() == {("fast_route.is_query", None)}


def _plan() -> CachePlan:
    return CachePlan(bypass=None, max_age=30, scope=Scope.PUBLIC)


def test_a_computed_answer_leaves_an_entry_its_tags_and_headers() -> None:
    lookup = Cacheable(_plan(), "key", None, True, "Season")
    headers: dict[str, str] = {}
    data: dict[str, Any] = {"activeSeason": {"id": "U2Vhc29uOjE=", "name": "S1"}}
    payload, entry, tags = annotate(lookup, {"data": data}, False, {"Season:1"}, None, headers)
    assert isinstance(entry, Entry) and entry.body.startswith(b'{"data":')
    assert payload["extensions"] == {"cache": {"status": "miss", "scope": "PUBLIC", "maxAge": 30}}
    assert "Season:1" in tags
    assert headers == {"cache-control": "public, max-age=30", "etag": entry.etag}


def test_a_bypass_is_never_stored_and_says_why() -> None:
    headers: dict[str, str] = {}
    payload, entry, tags = annotate(Bypass("mutation"), {"data": {}}, False, set(), "ok", headers)
    assert entry is None and tags == frozenset()
    assert payload["extensions"]["cache"] == {
        "status": "bypass",
        "reason": "mutation",
        "invalidation": "ok",
    }
    assert headers == {"cache-control": "no-store"}


def test_an_error_free_result_is_shaped_as_strawberry_formats_it() -> None:
    for extensions in [None, {}, {"cost": {"requested": 1, "actual": 1}}]:
        result = ExecutionResult(data={"a": 1}, errors=None, extensions=extensions)
        mine = shaped(result, max_errors=10, suggestions=True)
        assert list(mine.items()) == list(process_result(result).items())  # order too


def test_a_request_error_has_no_data_entry() -> None:
    result = ExecutionResult(data=None, errors=[GraphQLError("x" * 1000)])
    body = shaped(result, max_errors=10, suggestions=True)
    assert "data" not in body
    assert len(body["errors"][0]["message"]) <= 300
