"""The persisted-document policy: which text a request runs, or why it is refused.

Keys in the store: `<sha256>` for APQ registrations, `trusted:<id>` for
manifest documents (each also under `trusted:<sha256 of its text>`, so
Apollo's hash-only requests find them). Trusted mode reads only the
`trusted:` namespace, so nothing registered through APQ is ever trusted.

`resolve` only reads the store. A registration (the text with its hash) is
written by `register`, which the HTTP view calls once the operation was
admitted like any other (a document that parses and validates within the
limits, its cost taken from the client's bucket): text that is not a valid
document, or that the rate limit refused, is never stored.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from config import PersistedQueriesMode
from observability.decisions import note_persisted_query
from persisted.errors import (
    PersistedQueryError,
    PersistedQueryHashMismatch,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    PersistedQueryStoreUnavailable,
    PersistedQueryVersionUnsupported,
)
from persisted.manifest import sha256_hex
from persisted.store import DocumentStore, StoreUnavailable

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_DOCUMENT_ID = 256
TRUSTED = "trusted:"
SHA256_PREFIX = "sha256:"


@dataclass
class PersistedDocuments:
    store: DocumentStore
    mode: PersistedQueriesMode = PersistedQueriesMode.APQ
    allow_admin_bypass: bool = False

    @property
    def runs_any_text(self) -> bool:
        """Whether a request with a query text and no persisted-query fields runs as sent
        (not in trusted mode): the fast path (gql/fast_path.py) answers only those."""
        return self.mode is not PersistedQueriesMode.TRUSTED

    async def load(self, documents: Mapping[str, str]) -> int:
        """Trust a manifest's documents; returns how many keys were written."""
        keys: dict[str, str] = {}
        for doc_id, text in documents.items():
            keys[TRUSTED + doc_id] = text
            keys[TRUSTED + sha256_hex(text)] = text
        await self.store.load(keys)
        return len(keys)

    async def resolve(
        self,
        *,
        query: str | None,
        extensions: Mapping[str, Any] | None,
        document_id: object = None,
        is_admin: bool = False,
    ) -> str | None:
        """The document text to execute; raises `PersistedQueryError` to refuse."""
        persisted = (extensions or {}).get("persistedQuery")
        if self.mode is PersistedQueriesMode.OFF:
            if persisted is not None or document_id is not None:
                raise PersistedQueryNotSupported()
            return query
        bypass = self.mode is PersistedQueriesMode.TRUSTED and is_admin and self.allow_admin_bypass
        if document_id is not None:
            if query is not None:
                raise PersistedQueryError("Send either `documentId` or `query`, not both")
            return await self._counted(self._by_document_id(document_id))
        if persisted is not None:
            return await self._apq(query, persisted, bypass=bypass)
        if self.mode is PersistedQueriesMode.TRUSTED and query is not None and not bypass:
            raise PersistedQueryNotAllowed()
        return query

    async def _apq(self, query: str | None, persisted: object, *, bypass: bool) -> str:
        if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
            raise PersistedQueryVersionUnsupported()
        claimed = persisted.get("sha256Hash")
        sha = claimed.lower() if isinstance(claimed, str) else ""
        if query is None:
            return await self._counted(self._by_hash(sha))
        if not hmac.compare_digest(sha256_hex(query), sha):
            raise PersistedQueryHashMismatch()
        trusted = self.mode is PersistedQueriesMode.TRUSTED
        if trusted and not bypass and await self._lookup(TRUSTED + sha) is None:
            note_persisted_query("refused")
            raise PersistedQueryNotAllowed()
        return query  # APQ: registered by `register` once the operation is admitted

    def registers(self, query: str | None, extensions: Mapping[str, Any] | None) -> bool:
        """Whether a request `resolve` accepted registers its text: APQ mode, and the
        text sent with its hash."""
        return (
            self.mode is PersistedQueriesMode.APQ
            and query is not None
            and isinstance((extensions or {}).get("persistedQuery"), Mapping)
        )

    async def register(self, query: str, extensions: Mapping[str, Any] | None) -> None:
        """Store an admitted request's text under its hash (fails open: a store that
        is down skips it, and the client sends the text again next time)."""
        if not self.registers(query, extensions):
            return
        persisted = (extensions or {})["persistedQuery"]
        claimed = persisted.get("sha256Hash")
        sha = sha256_hex(query)
        if not isinstance(claimed, str) or not hmac.compare_digest(sha, claimed.lower()):
            return  # `resolve` refused it already
        try:
            await self.store.put(sha, query)
        except StoreUnavailable as exc:
            log.warning("persisted query not registered (store unavailable: %s)", exc.reason)
        else:
            note_persisted_query("registered")

    @staticmethod
    async def _counted(lookup: Awaitable[str]) -> str:
        """A lookup by hash or id, counted as a hit or a miss (observability/)."""
        try:
            text = await lookup
        except PersistedQueryNotFound:
            note_persisted_query("miss")
            raise
        note_persisted_query("hit")
        return text

    async def _by_document_id(self, document_id: object) -> str:
        if not isinstance(document_id, str) or not 0 < len(document_id) <= _MAX_DOCUMENT_ID:
            raise PersistedQueryError("`documentId` must be a non-empty string")
        if document_id.startswith(SHA256_PREFIX):
            return await self._by_hash(document_id.removeprefix(SHA256_PREFIX).lower())
        text = await self._lookup(TRUSTED + document_id)
        if text is None:
            raise PersistedQueryNotFound()
        return text

    async def _by_hash(self, sha: str) -> str:
        if not _SHA256.fullmatch(sha):
            raise PersistedQueryNotFound()
        text = await self._lookup(TRUSTED + sha)
        if text is None and self.mode is PersistedQueriesMode.APQ:
            text = await self._lookup(sha)
        if text is None:
            raise PersistedQueryNotFound()
        return text

    async def _lookup(self, key: str) -> str | None:
        """APQ fails open (a miss: the client resends the text); trusted mode fails closed."""
        try:
            return await self.store.get(key)
        except StoreUnavailable as exc:
            if self.mode is PersistedQueriesMode.TRUSTED:
                raise PersistedQueryStoreUnavailable() from exc
            log.warning("persisted query lookup skipped (store unavailable: %s)", exc.reason)
            return None

    async def close(self) -> None:
        await self.store.close()
