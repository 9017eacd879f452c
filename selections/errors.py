"""The collector's refusal: a document whose selections take too much work to collect."""

from __future__ import annotations

CODE = "SELECTION_TOO_COMPLEX"


class SelectionTooComplex(Exception):
    """Collecting the selections would take more than `limit` steps (the collector's
    budget), or nest fragments or fields more than `limit` levels deep."""

    code = CODE

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit

    @classmethod
    def steps(cls, limit: int) -> SelectionTooComplex:
        return cls(f"Selections take more than {limit} steps to collect.", limit)

    @classmethod
    def nesting(cls, limit: int) -> SelectionTooComplex:
        return cls(f"Selections nest more than {limit} levels deep.", limit)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, limit={self.limit})"
