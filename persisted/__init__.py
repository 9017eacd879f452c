"""Persisted queries: Apollo APQ, trusted documents and `documentId`, over one store."""

from persisted.documents import PersistedDocuments
from persisted.errors import (
    PersistedQueryError,
    PersistedQueryHashMismatch,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    PersistedQueryStoreUnavailable,
    PersistedQueryVersionUnsupported,
)
from persisted.factory import create_store, open_documents
from persisted.manifest import ManifestError, parse_manifest, read_manifest, sha256_hex
from persisted.memory import InProcessStore
from persisted.redis_store import RedisStore
from persisted.store import DocumentStore, StoreUnavailable

__all__ = [
    "DocumentStore",
    "InProcessStore",
    "ManifestError",
    "PersistedDocuments",
    "PersistedQueryError",
    "PersistedQueryHashMismatch",
    "PersistedQueryNotAllowed",
    "PersistedQueryNotFound",
    "PersistedQueryNotSupported",
    "PersistedQueryStoreUnavailable",
    "PersistedQueryVersionUnsupported",
    "RedisStore",
    "StoreUnavailable",
    "create_store",
    "open_documents",
    "parse_manifest",
    "read_manifest",
    "sha256_hex",
]
