"""Trusted-documents mode: only manifest documents run.

In-process store, manifest loaded at start from TRUSTED_DOCUMENTS_FILE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from config import PersistedQueriesMode
from persisted import InProcessStore, PersistedDocuments, PersistedQueryNotFound, sha256_hex
from tests.persisted.client import (
    QUERY,
    assert_ran,
    bearer,
    code_of,
    hash_only,
    serving,
    settings_for,
    with_query,
)

OTHER = "query Other { activeSeason { name } }"


@pytest.fixture
def apollo_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    operation = {"id": sha256_hex(QUERY), "name": "ActiveSeason", "type": "query", "body": QUERY}
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [operation],
    }
    path.write_bytes(orjson.dumps(manifest))
    return path


def trusted(db_url: str, manifest: Path, **overrides: Any) -> Any:
    return settings_for(
        db_url, persisted_queries="trusted", trusted_documents_file=manifest, **overrides
    )


async def test_manifest_documents_run(seeded_db_url: str, apollo_manifest: Path) -> None:
    async with serving(trusted(seeded_db_url, apollo_manifest)) as http:
        assert_ran(await http.post("/graphql", json=hash_only()))
        assert_ran(await http.post("/graphql", json=with_query()))
        assert_ran(await http.post("/graphql", json={"documentId": sha256_hex(QUERY)}))
        assert_ran(await http.post("/graphql", json={"documentId": f"sha256:{sha256_hex(QUERY)}"}))


async def test_other_documents_are_refused(seeded_db_url: str, apollo_manifest: Path) -> None:
    async with serving(trusted(seeded_db_url, apollo_manifest)) as http:
        plain = await http.post("/graphql", json={"query": OTHER})
        assert (plain.status_code, code_of(plain)) == (400, "PERSISTED_QUERY_NOT_ALLOWED")
        # Even the text of a trusted document must come by its hash or id.
        plain_trusted = await http.post("/graphql", json={"query": QUERY})
        assert code_of(plain_trusted) == "PERSISTED_QUERY_NOT_ALLOWED"
        # APQ registration does not exist in trusted mode.
        register = await http.post("/graphql", json=with_query(OTHER))
        assert (register.status_code, code_of(register)) == (400, "PERSISTED_QUERY_NOT_ALLOWED")
        unknown = await http.post("/graphql", json=hash_only(OTHER))
        assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"


async def test_admin_bypass_only_when_allowed(seeded_db_url: str, apollo_manifest: Path) -> None:
    async with serving(trusted(seeded_db_url, apollo_manifest)) as http:
        refused = await http.post("/graphql", json={"query": OTHER}, headers=bearer("admin"))
        assert code_of(refused) == "PERSISTED_QUERY_NOT_ALLOWED"

    settings = trusted(seeded_db_url, apollo_manifest, trusted_documents_allow_admin_bypass=True)
    async with serving(settings) as http:
        assert_ran(await http.post("/graphql", json={"query": OTHER}, headers=bearer("admin")))
        reader = await http.post("/graphql", json={"query": OTHER}, headers=bearer("reader"))
        assert code_of(reader) == "PERSISTED_QUERY_NOT_ALLOWED"
        anonymous = await http.post("/graphql", json={"query": OTHER})
        assert code_of(anonymous) == "PERSISTED_QUERY_NOT_ALLOWED"
        # A bypass runs the document but does not make it trusted.
        assert_ran(await http.post("/graphql", json=with_query(OTHER), headers=bearer("admin")))
        later = await http.post("/graphql", json=hash_only(OTHER))
        assert code_of(later) == "PERSISTED_QUERY_NOT_FOUND"


async def test_relay_map_by_document_id(seeded_db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "relay.json"
    path.write_bytes(orjson.dumps({"relay-7f3a": QUERY}))
    async with serving(trusted(seeded_db_url, path)) as http:
        assert_ran(await http.post("/graphql", json={"documentId": "relay-7f3a"}))
        assert_ran(await http.post("/graphql", json=hash_only()))
        missing = await http.post("/graphql", json={"documentId": "relay-0000"})
        assert code_of(missing) == "PERSISTED_QUERY_NOT_FOUND"


async def test_apq_registrations_are_never_trusted() -> None:
    """Documents registered through APQ live outside the `trusted:` namespace."""
    store = InProcessStore()
    apq = PersistedDocuments(store)
    await apq.register(OTHER, with_query(OTHER)["extensions"])
    strict = PersistedDocuments(store, mode=PersistedQueriesMode.TRUSTED)
    with pytest.raises(PersistedQueryNotFound):
        await strict.resolve(query=None, extensions=hash_only(OTHER)["extensions"])
