"""Memory clients can grow: what a request names but the document lacks is not kept."""

from __future__ import annotations

from gql.schema import build_schema, document_cache
from limits import DocumentPolicy
from observability import operation
from tests.limits.app import app_client, codes, settings_for

TEXT = "query Real { activeSeason { name } }"


async def test_an_operation_name_naming_nothing_stores_nothing(small_db_url: str) -> None:
    settings = settings_for(small_db_url)
    prepared = document_cache(build_schema(), DocumentPolicy.from_settings(settings)).prepare(TEXT)
    identified = len(operation._identified), operation._identified.bytes
    async with app_client(small_db_url) as http:  # the response cache on
        assert "errors" not in (await http.post("/graphql", json={"query": TEXT})).json()
        slots = prepared.memo.entries()
        for i in range(60):  # 60 requests with 95 KB names once grew the process 8.6 MB
            name = "n" * 95_000 + f"{i}"
            body = {"query": TEXT, "operationName": name}
            response = (await http.post("/graphql", json=body)).json()
            assert codes(response) == ["BAD_REQUEST"]
            assert response["errors"][0]["message"].startswith("Unknown operation named 'nnn")
            get = await http.get("/graphql", params={"query": TEXT, "operationName": name[:7000]})
            assert codes(get.json()) == ["BAD_REQUEST"]
    assert prepared.memo.entries() == slots  # the query check, the plan: real names only
    assert {name for _, name in slots} <= {None, "Real"}
    assert (len(operation._identified), operation._identified.bytes) <= (
        identified[0] + 1,
        identified[1] + 1024,
    )
