"""A document's text, prepared once: its syntax tree, validation errors, collected
selections and what consumers derive from it (`memo`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError

from prepared.memo import OperationMemo
from prepared.preparation_cost import PreparationCost
from selections import DocumentSelections


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """One document's text with its parse result and validation errors."""

    text: str
    sha256: str
    document: DocumentNode | None  # None when the text does not parse
    errors: tuple[GraphQLError, ...]  # syntax error or validation errors; empty when valid
    # Its operations' collected selections, memoized (under its cache's budget).
    selections: DocumentSelections = field(compare=False, repr=False)
    weight: int = field(default=0, compare=False)  # bytes it keeps, about (DocumentCache)
    # The CPU its parse and validation took, charged once to a client
    # (prepared/preparation_cost.py).
    preparation: PreparationCost = field(default_factory=PreparationCost, compare=False)
    # What consumers derive per operation (typed keys, prepared/memo.py), bounded by
    # the document's operations.
    memo: OperationMemo = field(default_factory=lambda: OperationMemo(0), compare=False, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.errors
