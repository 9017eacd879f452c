"""Build the persisted-document policy and its store from settings (app lifespan, CLI)."""

from __future__ import annotations

from config import Settings
from persisted.documents import PersistedDocuments
from persisted.manifest import read_manifest
from persisted.memory import InProcessStore
from persisted.redis_store import RedisStore
from persisted.store import DocumentStore


def create_store(settings: Settings, *, timeout: float | None = None) -> DocumentStore:
    """Redis when REDIS_URL is set, else the in-process LRU. Connects lazily."""
    if settings.redis_url:
        return RedisStore.from_url(
            settings.redis_url,
            prefix=settings.persisted_queries_key_prefix,
            timeout=timeout or settings.persisted_queries_redis_timeout,
            ttl_seconds=settings.persisted_queries_ttl_seconds or None,  # 0: never
            cluster=settings.redis_cluster,
        )
    return InProcessStore(
        settings.persisted_queries_max_entries, settings.persisted_queries_max_bytes
    )


async def open_documents(settings: Settings) -> PersistedDocuments:
    """The policy the app serves with; loads TRUSTED_DOCUMENTS_FILE if set.

    A bad manifest file stops start-up (`ManifestError`); so does a Redis
    that cannot take it (`StoreUnavailable`), since trusted mode would refuse
    every request.
    """
    documents = PersistedDocuments(
        create_store(settings),
        mode=settings.persisted_queries,
        allow_admin_bypass=settings.trusted_documents_allow_admin_bypass,
    )
    if settings.trusted_documents_file is not None:
        manifest = read_manifest(settings.trusted_documents_file)
        try:
            await documents.load(manifest)
        except BaseException:
            await documents.close()
            raise
    return documents
