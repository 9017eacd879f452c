"""What the pipeline hands back to its HTTP adapter: typed answers, never bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from strawberry.http import GraphQLHTTPResponse

if TYPE_CHECKING:
    from cache.compressed import CompressedEntries
    from cache.entry import Entry
    from pipeline.request import Operation
    from pipeline.response_cache import Bypass, Cacheable
    from prepared import PreparedDocument


@dataclass(frozen=True, slots=True)
class Answer:
    """A computed response: its body (one payload, or a list for a batch) and headers.
    The adapter encodes it and chooses the media type, and with it the status."""

    payload: GraphQLHTTPResponse | list[GraphQLHTTPResponse]
    headers: dict[str, str]  # in the order they were set


@dataclass(frozen=True, slots=True)
class Hit:
    """A response-cache entry to send as it is stored (the adapter adds the HTTP
    validators and the coding)."""

    entry: Entry
    key: str  # what it was found under (the fast path's recipes remember it)
    operation: str | None  # the operation's name in the document, for the counts
    compressed: CompressedEntries | None  # its compressed forms, when hits are compressed


@dataclass(frozen=True, slots=True)
class HandOver:
    """What the fast path leaves to the general route, with the steps already run."""

    operations: tuple[Operation, ...]
    prepared: PreparedDocument | None
    lookup: Cacheable | Bypass | None  # None: there is no response cache


class Reply(Protocol):
    """The adapter's side: turns an answer or a hit into bytes on the wire."""

    async def answer(self, answer: Answer) -> None: ...

    async def hit(self, hit: Hit) -> None: ...
