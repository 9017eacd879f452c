"""Expected write failures: problems the caller can fix, reported as data.

A `Problem` names the offending field by its path relative to the mutation's
input object, in the contract's spelling (`("vehicle", "plate")`); the
resolver prefixes the argument name. Raising `Rejected` inside a write's
transaction rolls it back, so a rejected write never leaves anything behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

FieldPath = tuple[str, ...]


class Code(StrEnum):
    """The `UserError.code` values clients match on."""

    BLANK = "BLANK"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_DATETIME = "INVALID_DATETIME"
    INVALID_TIME_RANGE = "INVALID_TIME_RANGE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE_EMAIL = "DUPLICATE_EMAIL"
    DUPLICATE_PLATE = "DUPLICATE_PLATE"
    CONFLICT = "CONFLICT"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    # recordTrip: the externalId (idempotency key) names a trip recorded with other input.
    EXTERNAL_ID_REUSED = "EXTERNAL_ID_REUSED"


@dataclass(frozen=True, slots=True)
class Problem:
    field: FieldPath | None
    message: str
    code: Code

    def under(self, *prefix: str) -> Problem:
        """The same problem with its path below `prefix` (e.g. the argument name)."""
        return Problem((*prefix, *(self.field or ())), self.message, self.code)


class Rejected(Exception):
    """The write was refused for `problems`; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = tuple(problems)

    def __repr__(self) -> str:
        return f"Rejected(problems={self.problems!r})"


def reject_any(problems: Sequence[Problem]) -> None:
    """Raise `Rejected` when there is at least one problem."""
    if problems:
        raise Rejected(problems)
