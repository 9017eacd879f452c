"""Typed memoization per prepared document and operation name.

Every consumer of a prepared document that derives something from one of its
operations (the fast path's "is it a query", the planner's operation node)
keeps it here under a `Memo[T]` key it owns: `get` returns a `T`, `set` takes
one, and no two consumers can collide on a hand-written string.

Bounded per document (docs/decisions/0026): a key holds at most one value per
operation the document has, plus one for the unnamed request, so client-chosen
`operationName`s that name nothing cannot grow it. Callers store only names
the document holds; past the bound `set` keeps nothing (and returns the value).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class Memo(Generic[T]):
    """A typed key: one per kind of derived value, created once at import."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name  # for repr and debugging only: keys compare by identity

    def __repr__(self) -> str:
        return f"Memo({self.name!r})"


class OperationMemo:
    """Values derived from a document, per `Memo` key and operation name."""

    __slots__ = ("_limit", "_values")

    def __init__(self, operations: int) -> None:
        self._limit = operations + 1  # each operation by its name, and the unnamed request
        self._values: dict[Memo[Any], dict[str | None, Any]] = {}

    def get(self, key: Memo[T], operation_name: str | None) -> T | None:
        values = self._values.get(key)
        if values is None:
            return None
        return cast("T | None", values.get(operation_name))

    def set(self, key: Memo[T], operation_name: str | None, value: T) -> T:
        values = self._values.get(key)
        if values is None:
            values = self._values[key] = {}
        if operation_name in values or len(values) < self._limit:
            values[operation_name] = value
        return value

    def entries(self) -> frozenset[tuple[str, str | None]]:
        """(key name, operation name) of every value kept: what the memo holds."""
        return frozenset((key.name, n) for key, values in self._values.items() for n in values)
