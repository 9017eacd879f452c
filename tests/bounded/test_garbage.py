"""Reference cycles left by preparing new documents are collected as they add up."""

from __future__ import annotations

import gc

from graphql.language import Token

from bounded.garbage import GarbageBudget
from compat.strawberry import graphql_schema
from gql.schema import build_schema
from prepared import DocumentCache
from prepared.cache import TOKEN_BYTES

SCHEMA = graphql_schema(build_schema())


def _cache(garbage: GarbageBudget, maxsize: int = 100) -> DocumentCache:
    return DocumentCache(SCHEMA, maxsize=maxsize, max_tokens=2_000, garbage=garbage)


def test_the_budget_collects_once_spent() -> None:
    garbage = GarbageBudget(budget_bytes=1_000)
    garbage.add(600)
    assert garbage.collections == 0 and garbage.pending == 600
    garbage.add(600)
    assert garbage.collections == 1 and garbage.pending == 0


def test_new_documents_spend_the_budget_and_known_ones_do_not() -> None:
    garbage = GarbageBudget(budget_bytes=10**12)  # never collects: only the sum is read
    cache = _cache(garbage)
    text = "{ " + "__typename " * 500 + "}"
    prepared = cache.prepare(text)
    assert garbage.pending == prepared.weight
    for _ in range(5):
        cache.prepare(text)
    assert garbage.pending == prepared.weight


def test_a_failed_parse_counts_the_tokens_it_may_have_lexed() -> None:
    """A text refused at the token limit was lexed into 2,000 tokens, in a cycle (each
    token links to the next and back), though the entry kept weighs only its text."""
    garbage = GarbageBudget(budget_bytes=10**12)
    cache = _cache(garbage)
    refused = cache.prepare("{ " + "a " * 5_000 + "}")
    assert refused.document is None
    assert garbage.pending == refused.weight + TOKEN_BYTES * 2_000
    tiny = cache.prepare("{")  # one character: at most one token, not the limit's worth
    assert garbage.pending == refused.weight + TOKEN_BYTES * 2_000 + tiny.weight + TOKEN_BYTES


def test_preparation_cycles_are_collected_within_the_budget() -> None:
    """Tokens of documents already prepared are freed by the budget's collections, not
    left for the collector's next automatic run (which the app makes rare)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(0)  # no automatic collection: only the budget's
    try:
        garbage = GarbageBudget(budget_bytes=4 * 1024 * 1024)
        cache = _cache(garbage, maxsize=1)  # each new document drops the one before
        gc.collect()
        before = _tokens()
        for i in range(40):  # ~0.8 MB each: a collection every 6
            fields = " ".join(f"a{j}: __typename" for j in range(660))  # 1,980 tokens
            text = f"query Q{i} {{ {fields} }}"
            assert cache.prepare(text).is_valid
        assert garbage.collections == 6
        # Only the documents since the last collection (4) and the one kept may be alive.
        assert _tokens() - before <= 5 * 1_995
    finally:
        gc.set_threshold(*thresholds)


def _tokens() -> int:
    return sum(isinstance(o, Token) for o in gc.get_objects())
