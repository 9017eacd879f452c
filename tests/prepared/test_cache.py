"""The process's parse/validate cache: bounded in documents and in bytes."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from prepared import DocumentCache, PreparedDocument
from prepared.cache import OFFLOAD_CHARS, TOKEN_BYTES


def _cache(**bounds: int) -> DocumentCache:
    return DocumentCache(graphql_schema(build_schema()), max_tokens=2_000, **bounds)


def test_a_document_weighs_its_text_and_its_tokens() -> None:
    cache = _cache()
    text = "query Q { activeSeason { name } }"  # 8 tokens, and <SOF>, <EOF>
    prepared = cache.prepare(text)
    assert prepared.weight == sys.getsizeof(text) + TOKEN_BYTES * 10
    broken = cache.prepare("{ " * 50_000)
    assert broken.weight >= sys.getsizeof("{ " * 50_000) and broken.errors
    assert cache.bytes == prepared.weight + broken.weight


def test_large_texts_keep_the_cache_under_its_bytes() -> None:
    cache = _cache(maxsize=1024, max_bytes=1024 * 1024)
    for i in range(200):  # 200 valid documents of 50 KB (a long string literal each)
        text = f'query Q{i} {{ driver(id: "{"x" * 50_000}") {{ id }} }}'
        assert cache.prepare(text).is_valid
        assert cache.bytes <= 1024 * 1024
    assert 0 < len(cache) <= 20


def test_a_document_heavier_than_the_bound_is_prepared_but_not_kept() -> None:
    cache = _cache(max_bytes=10_000)
    text = "{ activeSeason { name } }" + " " * 20_000
    assert cache.prepare(text).is_valid
    assert len(cache) == 0 and cache.bytes == 0


def test_a_syntax_error_is_kept_without_the_parser_it_was_raised_in() -> None:
    """A cached syntax error holds no traceback: its frames would keep the lexer's tokens
    and the string being read, several times the text the entry is weighed by."""
    cache = _cache()
    for text in ('{ a } "' + " " * 50_000 + '"', '{ a(x: "' + '\\"' * 20_000):
        (error,) = cache.prepare(text).errors
        assert error.extensions == {"code": "GRAPHQL_PARSE_FAILED"}
        assert error.__traceback__ is None and error.__context__ is None


class _Counting(DocumentCache):
    """Counts the preparations running at once (each in its worker thread)."""

    def __init__(self) -> None:
        super().__init__(graphql_schema(build_schema()))
        self.running = self.most = self.calls = 0
        self._count = threading.Lock()

    def _prepare(self, text: str) -> PreparedDocument:
        with self._count:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.01)  # long enough for another thread to start, were it allowed
            return super()._prepare(text)
        finally:
            with self._count:
                self.running -= 1


async def test_large_new_documents_are_prepared_one_at_a_time() -> None:
    cache = _Counting()
    texts = [f"# {i}{' ' * OFFLOAD_CHARS}\n{{ __typename }}" for i in range(4)]
    prepared = await asyncio.gather(*(cache.prepare_async(t) for t in texts + texts))
    assert cache.most == 1
    assert cache.calls == 4  # a request waiting for the same text gets it prepared
    assert [p.text for p in prepared] == texts + texts
    assert all(p.preparation.seconds > 0 for p in prepared)
