"""The per-document memo: typed keys apart, and bounded by the document's operations."""

from __future__ import annotations

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from prepared import DocumentCache, Memo, OperationMemo


def test_keys_are_apart_and_values_come_back() -> None:
    flag: Memo[bool] = Memo("flag")
    label: Memo[str] = Memo("label")
    memo = OperationMemo(2)
    assert memo.get(flag, "A") is None
    assert memo.set(flag, "A", False) is False
    memo.set(label, "A", "a")
    assert memo.get(flag, "A") is False
    assert memo.get(label, "A") == "a"
    assert memo.get(label, "B") is None


def test_a_key_holds_at_most_one_value_per_operation_and_the_unnamed_request() -> None:
    flag: Memo[int] = Memo("flag")
    memo = OperationMemo(1)
    assert memo.set(flag, None, 1) == 1
    assert memo.set(flag, "Real", 2) == 2
    assert memo.set(flag, "Other", 3) == 3  # returned, not kept
    assert memo.get(flag, "Other") is None
    memo.set(flag, "Real", 4)  # a kept name is updated in place
    assert memo.entries() == {("flag", None), ("flag", "Real")}
    assert memo.get(flag, "Real") == 4


def test_a_prepared_document_is_bounded_by_its_operations() -> None:
    cache = DocumentCache(graphql_schema(build_schema()))
    flag: Memo[bool] = Memo("flag")
    prepared = cache.prepare("query A { activeSeason { name } } query B { seasons { totalCount } }")
    for name in ["A", "B", "C", "D", None]:
        prepared.memo.set(flag, name, True)
    assert len(prepared.memo.entries()) == 3
