"""Cache hints: how long a type's or a field's value may be reused, and by whom.

Declared next to the GraphQL types (`gql/types/*.py`), in the spirit of
Apollo Server's `@cacheControl`:

    @cache_control(max_age=3600)             # on a Strawberry type
    @strawberry.type
    class Season: ...

    email: ... = strawberry.field(metadata=hint(scope=Scope.PRIVATE))   # on a field

`tags` name the lists a field or type reads (see cache/tags.py): a response
selecting it is invalidated by the writes that change those lists.
`type_tag` marks types whose writes cannot name the changed objects by id,
so every response selecting them carries the bare type tag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

HINT_KEY = "fleetgraph.cache_hint"  # in a Strawberry field's metadata
_TYPE_ATTRIBUTE = "__fleetgraph_cache_hint__"  # on a Strawberry type's class

T = TypeVar("T")


class Scope(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


@dataclass(frozen=True, slots=True)
class CacheHint:
    max_age: int | None = None  # seconds; None: not declared here
    scope: Scope | None = None
    tags: tuple[str, ...] = ()
    type_tag: bool = False


def hint(
    *,
    max_age: int | None = None,
    scope: Scope | None = None,
    tags: Iterable[str] = (),
) -> Mapping[str, Any]:
    """Metadata for `strawberry.field(metadata=...)`."""
    return {HINT_KEY: CacheHint(max_age, scope, tuple(tags))}


def cache_control(
    *,
    max_age: int | None = None,
    scope: Scope | None = None,
    tags: Iterable[str] = (),
    type_tag: bool = False,
) -> Callable[[type[T]], type[T]]:
    """Class decorator: the hint of every field returning this type."""

    def mark(cls: type[T]) -> type[T]:
        setattr(cls, _TYPE_ATTRIBUTE, CacheHint(max_age, scope, tuple(tags), type_tag))
        return cls

    return mark


def type_hint(cls: object) -> CacheHint | None:
    found = getattr(cls, _TYPE_ATTRIBUTE, None)
    return found if isinstance(found, CacheHint) else None


def field_hint(metadata: Mapping[Any, Any] | None) -> CacheHint | None:
    found = (metadata or {}).get(HINT_KEY)
    return found if isinstance(found, CacheHint) else None
