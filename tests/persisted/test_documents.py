"""The persisted-document policy on its own (in-process store)."""

from __future__ import annotations

import pytest

from config import PersistedQueriesMode
from persisted import (
    InProcessStore,
    PersistedDocuments,
    PersistedQueryError,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    sha256_hex,
)

QUERY = "{ activeSeason { name } }"
APQ = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(QUERY)}}


async def test_plain_query_untouched() -> None:
    documents = PersistedDocuments(InProcessStore())
    assert await documents.resolve(query=QUERY, extensions=None) == QUERY


async def test_register_then_resolve_by_hash_and_document_id() -> None:
    documents = PersistedDocuments(InProcessStore())
    assert await documents.resolve(query=QUERY, extensions=APQ) == QUERY
    assert documents.registers(QUERY, APQ)
    await documents.register(QUERY, APQ)  # the view's, once the operation was admitted
    assert await documents.resolve(query=None, extensions=APQ) == QUERY
    document_id = f"sha256:{sha256_hex(QUERY)}"
    assert await documents.resolve(query=None, extensions=None, document_id=document_id) == QUERY


async def test_document_id_and_query_together_are_refused() -> None:
    documents = PersistedDocuments(InProcessStore())
    with pytest.raises(PersistedQueryError):
        await documents.resolve(query=QUERY, extensions=None, document_id="x")


@pytest.mark.parametrize("document_id", ["", 7, "x" * 300])
async def test_bad_document_ids(document_id: object) -> None:
    documents = PersistedDocuments(InProcessStore())
    with pytest.raises(PersistedQueryError):
        await documents.resolve(query=None, extensions=None, document_id=document_id)


async def test_loaded_ids_resolve_in_apq_mode_too() -> None:
    documents = PersistedDocuments(InProcessStore())
    assert await documents.load({"relay-1": QUERY}) == 2  # by id and by sha256
    assert await documents.resolve(query=None, extensions=None, document_id="relay-1") == QUERY
    assert await documents.resolve(query=None, extensions=APQ) == QUERY


async def test_registered_hash_is_not_a_document_id() -> None:
    documents = PersistedDocuments(InProcessStore())
    await documents.register(QUERY, APQ)
    with pytest.raises(PersistedQueryNotFound):
        await documents.resolve(query=None, extensions=None, document_id=sha256_hex(QUERY))


async def test_off_mode() -> None:
    documents = PersistedDocuments(InProcessStore(), mode=PersistedQueriesMode.OFF)
    with pytest.raises(PersistedQueryNotSupported):
        await documents.resolve(query=QUERY, extensions=APQ)
    assert await documents.resolve(query=QUERY, extensions={"other": 1}) == QUERY
