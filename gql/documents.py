"""Strawberry's parse and validate steps, answered from the prepared-document cache."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from prepared import DocumentCache, PreparedDocument


class CachedDocuments(SchemaExtension):
    """Strawberry's parse and validate steps, answered from a `DocumentCache`."""

    def __init__(self, cache: DocumentCache) -> None:
        super().__init__()
        self.cache = cache

    def _cache(self) -> DocumentCache:
        # The app's own cache (its limits policy) when the context carries one.
        cache: DocumentCache | None = getattr(self.execution_context.context, "documents", None)
        return cache or self.cache

    def _prepared(self) -> PreparedDocument:
        return self._cache().prepare(self.execution_context.query or "")

    def on_parse(self) -> Iterator[None]:
        # A text that does not parse is left to Strawberry, which reports the
        # syntax error as a GraphQL error the usual way (parsing it within the
        # same token limit).
        cache = self._cache()
        prepared = cache.prepare(self.execution_context.query or "")
        self.execution_context.graphql_document = prepared.document
        if prepared.document is None and cache.max_tokens:
            self.execution_context.parse_options["max_tokens"] = cache.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        self.execution_context.pre_execution_errors = list(self._prepared().errors)
        yield
