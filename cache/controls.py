"""Operator cache controls: invalidate by type, `Type:id`, list tag or everything,
and how big the cache is.

Unlike a write's invalidation (cache/service.py), nothing here retries or
repairs: the operator is told that the backend failed (`CACHE_UNAVAILABLE`)
and may ask again. Invalidating a type drops every entry that carries its
bare tag or any tag under it (`Driver`, `Driver:42`, `Driver:list`), found
in the backend at that moment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from cache.backends.base import Size
from cache.service import FAILURES, ResponseCache
from cache.tags import is_list_tag
from errors import CacheUnavailable, InvalidArgument
from errors.domain import echo
from global_ids import NODE_TYPES, id_tag

MAX_NAMES = 100  # per list in one request: client input, bounded
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Target:
    everything: bool = False
    types: Sequence[str] = ()
    entities: Sequence[str] = ()  # `Type:pk` or a global id
    list_tags: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Dropped:
    entries: int
    tags: list[str]  # what was invalidated; empty for everything


def tags_of(target: Target) -> set[str]:
    """The exact tags a target names (types: their bare tag); InvalidArgument if
    anything is unknown. Raises before the cache is touched."""
    named = (target.types, target.entities, target.list_tags)
    if any(len(names) > MAX_NAMES for names in named):
        raise InvalidArgument(f"at most {MAX_NAMES} names per list")
    if target.everything:
        if any(named):
            raise InvalidArgument("`everything` cannot be combined with types, entities or tags")
        return set()
    if not any(named):
        raise InvalidArgument("name what to invalidate: everything, types, entities or listTags")
    tags: set[str] = set()
    for type_name in target.types:
        if type_name not in NODE_TYPES:
            raise InvalidArgument(f"unknown type {echo(type_name)!r}")
        tags.add(type_name)
    for entity in target.entities:
        tags.add(_entity_tag(entity))
    for tag in target.list_tags:
        if not is_list_tag(tag):
            raise InvalidArgument(f"unknown list tag {echo(tag)!r}")
        tags.add(tag)
    return tags


def _entity_tag(entity: str) -> str:
    type_name, _, pk = entity.partition(":")
    if type_name in NODE_TYPES and pk.isascii() and pk.isdigit() and 0 < int(pk) < 2**31:
        return f"{type_name}:{int(pk)}"
    tag = id_tag(entity)  # a global id
    if tag is None:
        raise InvalidArgument(f"not a `Type:id` nor a global id: {echo(entity)!r}")
    return tag


async def invalidate(cache: ResponseCache, target: Target) -> Dropped:
    tags = tags_of(target)
    backend = cache.backend
    if target.everything:
        return Dropped(await _guarded(backend.invalidate_all()), [])
    for type_name in target.types:
        tags.update(await _guarded(backend.tags_under(type_name + ":")))
    return Dropped(await _guarded(backend.invalidate(tags)), sorted(tags))


async def usage(cache: ResponseCache) -> Size:
    return await _guarded(cache.backend.usage())


async def _guarded(call: Awaitable[T]) -> T:
    try:
        return await call
    except FAILURES as exc:
        raise CacheUnavailable(f"the response cache did not answer: {type(exc).__name__}") from exc
