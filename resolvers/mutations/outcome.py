"""What a mutation resolver hands back: the written value, or why nothing was written."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from context import Context
from errors import Forbidden, InvalidId, Unauthenticated
from global_ids import decode_id_of
from loaders import Loaders
from writes import Code, Problem, Rejected

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    value: T | None = None
    problems: tuple[Problem, ...] = ()

    @classmethod
    def rejected(cls, problems: Iterable[Problem], *prefix: str) -> Outcome[T]:
        """Problems with paths below `prefix`, the argument they came in."""
        return cls(problems=tuple(problem.under(*prefix) for problem in problems))


def require_admin(context: Context) -> None:
    """Every mutation is for admins: anonymous callers and readers are refused."""
    if context.viewer.role is None:
        raise Unauthenticated("mutations need an admin bearer token")
    if not context.viewer.is_admin:
        raise Forbidden("mutations need the admin role")


def decode_input_id(global_id: str, expected: str, field: str) -> int | Problem:
    """The pk an id argument names, or the INVALID_ID problem at `field`."""
    try:
        return decode_id_of(global_id, expected)
    except InvalidId as exc:
        return Problem((field,), exc.message, Code.INVALID_ID)


async def run_write(context: Context, write: Awaitable[T], *prefix: str) -> Outcome[T]:
    try:
        value = await write
    except Rejected as exc:
        return Outcome.rejected(exc.problems, *prefix)
    # Fields read after the write (and later mutations in the same document)
    # must not be answered from loader caches filled before it.
    context.loaders = Loaders(context.db)
    return Outcome(value)
