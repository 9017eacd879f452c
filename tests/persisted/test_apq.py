"""Apollo APQ over HTTP, as Apollo Client's persisted-query link speaks it (in-process store)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from config import Settings
from gql.app import create_app
from persisted import sha256_hex
from tests.persisted.client import (
    QUERY,
    assert_ran,
    code_of,
    get_params,
    hash_only,
    serving,
    settings_for,
    with_query,
)


async def test_handshake_not_found_register_hit(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        miss = await http.post("/graphql", json=hash_only())
        assert miss.status_code == 200
        assert miss.json() == {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        }

        assert_ran(await http.post("/graphql", json=with_query()))
        hit = await http.post("/graphql", json=hash_only())
        assert_ran(hit)


async def test_hash_is_case_insensitive(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        assert_ran(await http.post("/graphql", json=with_query()))
        assert_ran(await http.post("/graphql", json=hash_only(sha=sha256_hex(QUERY).upper())))


async def test_hash_mismatch_is_rejected_and_not_stored(seeded_db_url: str) -> None:
    other = sha256_hex("{ somethingElse }")
    async with serving(settings_for(seeded_db_url)) as http:
        bad = await http.post("/graphql", json=with_query(sha=other))
        assert bad.status_code == 400
        assert code_of(bad) == "PERSISTED_QUERY_HASH_MISMATCH"
        again = await http.post("/graphql", json=hash_only(sha=other))
        assert code_of(again) == "PERSISTED_QUERY_NOT_FOUND"


async def test_malformed_hash(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        miss = await http.post("/graphql", json=hash_only(sha="trusted:x"))
        assert (miss.status_code, code_of(miss)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        bad = await http.post("/graphql", json=with_query(sha="nope"))
        assert (bad.status_code, code_of(bad)) == (400, "PERSISTED_QUERY_HASH_MISMATCH")


async def test_unsupported_version(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        response = await http.post("/graphql", json=with_query(version=2))
        assert response.status_code == 400
        assert code_of(response) == "PERSISTED_QUERY_VERSION_UNSUPPORTED"


async def test_get_with_extensions(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        # Apollo Client sends `accept: */*`: a hash-only GET must not get GraphiQL.
        headers = {"accept": "*/*"}
        miss = await http.get("/graphql", params=get_params(hash_only()), headers=headers)
        assert (miss.status_code, code_of(miss)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        assert_ran(await http.get("/graphql", params=get_params(with_query()), headers=headers))
        assert_ran(await http.get("/graphql", params=get_params(hash_only()), headers=headers))


async def test_plain_queries_still_run(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        assert_ran(await http.post("/graphql", json={"query": QUERY}))


async def test_document_id_sha256(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url)) as http:
        unknown = await http.post("/graphql", json={"documentId": f"sha256:{sha256_hex(QUERY)}"})
        assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"
        assert_ran(await http.post("/graphql", json=with_query()))
        document_id = f"sha256:{sha256_hex(QUERY)}"
        assert_ran(await http.post("/graphql", json={"documentId": document_id}))
        assert_ran(await http.get("/graphql", params={"documentId": document_id}))


async def test_off_mode_answers_not_supported(seeded_db_url: str) -> None:
    async with serving(settings_for(seeded_db_url, persisted_queries="off")) as http:
        response = await http.post("/graphql", json=with_query())
        assert response.status_code == 200
        assert response.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
        assert code_of(response) == "PERSISTED_QUERY_NOT_SUPPORTED"
        assert_ran(await http.post("/graphql", json={"query": QUERY}))


@asynccontextmanager
async def serving_app(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """`serving`, with the app (its store) at hand."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield app, http


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x" * 80_000, "GRAPHQL_PARSE_FAILED"),  # 80 KB of not GraphQL, its hash matching
        ("{ activeSeason { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ " + "activeSeason { name } " * 500 + "}", "TOO_MANY_TOKENS"),
    ],
)
async def test_only_valid_documents_are_registered(
    seeded_db_url: str, text: str, code: str
) -> None:
    async with serving_app(settings_for(seeded_db_url)) as (app, http):
        response = await http.post("/graphql", json=with_query(text))
        assert (response.status_code, code_of(response)) == (200, code)  # the usual error
        assert len(app.state.persisted.store) == 0
        again = await http.post("/graphql", json=hash_only(text))
        assert code_of(again) == "PERSISTED_QUERY_NOT_FOUND"


async def test_registrations_are_charged_like_requests(seeded_db_url: str) -> None:
    other = "query Other { activeSeason { id } }"
    limited = settings_for(
        seeded_db_url,
        rate_limit_enabled=True,
        rate_limit_bucket_size=1,  # one object: QUERY's cost
        rate_limit_restore_rate=0.001,
        rate_limit_anonymous_restore_rate=0.001,
        rate_limit_anonymous_bucket_size=1,
        # Not the CPU of a new document (charged once per process, to whichever test
        # prepares it first): tests/limits/test_preparation_charge.py.
        rate_limit_points_per_cpu_ms=0.0,
    )
    async with serving_app(limited) as (app, http):
        registered = await http.post("/graphql", json=with_query())
        assert_ran(registered)
        cost = registered.json()["extensions"]["cost"]
        assert (cost["requested"], cost["throttle"]["remaining"]) == (1, 0)
        refused = await http.post("/graphql", json=with_query(other))
        assert (refused.status_code, code_of(refused)) == (429, "THROTTLED")
        store = app.state.persisted.store
        assert len(store) == 1
        assert await store.get(sha256_hex(QUERY)) == QUERY
        assert await store.get(sha256_hex(other)) is None


async def test_a_registration_runs_rather_than_hits_the_response_cache(seeded_db_url: str) -> None:
    async with serving_app(settings_for(seeded_db_url)) as (app, http):
        assert_ran(await http.post("/graphql", json={"query": QUERY}))  # now cached
        registered = await http.post("/graphql", json=with_query())
        assert_ran(registered)
        assert registered.json()["extensions"]["cache"]["reason"] == "registration"
        assert_ran(await http.post("/graphql", json=hash_only()))
        assert len(app.state.persisted.store) == 1
