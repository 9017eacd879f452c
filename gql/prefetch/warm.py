"""Breadth-first warm-up of the loaders below a field.

Walks the selection level by level and, for every field that does batched
I/O (its resolver marked `@loads`) or leads to fields that do, calls the
very resolver graphql-core will call later, for all objects of the level at
once. Loads of a level
share a tick, so DataLoader batches them exactly as the normal walk would:
no statement is added or changed, only run earlier. Coroutine resolvers
(uncached root-level reads) are left alone, and errors are left to the real
walk, which reports them at the right path.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, get_named_type
from graphql.execution.values import get_argument_values
from strawberry.types import has_object_definition

from compat.strawberry import field_arguments, resolver_function, strawberry_schema
from gql.prefetch.marks import does_load
from gql.prefetch.selection import located, variable_values
from resolvers.deferred import Later
from selections import CollectedField

MAX_DEPTH = 12
Info = GraphQLResolveInfo[Any]


@dataclass(frozen=True, slots=True)
class _Info:
    """What our resolvers read from `info` (the context) during the warm-up."""

    context: Any


@lru_cache(maxsize=4096)
def _strawberry_field(schema: Any, type_name: str, field_name: str) -> Any:
    """Strawberry's lookup scans the type's fields converting names; once is enough."""
    return schema.get_field_for_type(field_name=field_name, type_name=type_name)


async def prefetch(info: Info, result: Any) -> None:
    """Warm everything the current field's selection will load below `result`."""
    try:
        found = located(info)  # its collected selections (selections/)
        if found is not None:
            await _level(info, _objects([result], get_named_type(info.return_type)), found, 0)
    except Exception:  # the real walk reports errors where they belong
        return


def _objects(values: list[Any], named: Any) -> dict[str, list[Any]]:
    """Flatten results into objects grouped by GraphQL type name.

    An object-typed field names its type itself (a generic `Edge` instance is
    a `DriverEdge` there); an interface-typed one (`node`) goes by the
    instance's class.
    """
    grouped: dict[str, list[Any]] = defaultdict(list)
    concrete = named.name if isinstance(named, GraphQLObjectType) else None
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, list | tuple):
            stack.extend(value)
        elif has_object_definition(value):
            grouped[concrete or value.__strawberry_definition__.name].append(value)
    return grouped


async def _level(
    info: Info, objects: dict[str, list[Any]], found: CollectedField, depth: int
) -> None:
    """Warm the fields selected below `found` on `objects` (by type name)."""
    if depth > MAX_DEPTH:
        return
    branches = []
    for type_name, instances in objects.items():
        selected = found.objects.get(type_name)
        if selected is None:
            continue
        for below in selected.fields.values():
            try:
                branch = _field(info, type_name, instances, below, depth)
            except Exception:  # reported by the real walk
                continue
            if branch is not None:
                branches.append(branch)
    if branches:
        await asyncio.gather(*branches, return_exceptions=True)


def _field(
    info: Info, type_name: str, instances: list[Any], found: CollectedField, depth: int
) -> Any:
    schema = strawberry_schema(info.schema)
    field = _strawberry_field(schema, type_name, found.name)
    if field is None:
        return None
    graphql_field = found.definition
    named = get_named_type(graphql_field.type)
    leads_on = _loads_below(info, found, depth)
    if field.base_resolver is None:  # an object held as a plain attribute
        if not leads_on:
            return None
        held = [getattr(instance, field.python_name) for instance in instances]
        return _descend(info, held, found, depth, named)
    resolver = resolver_function(field)
    if resolver is None or inspect.iscoroutinefunction(resolver):
        return None
    if not (does_load(resolver) or leads_on):
        return None
    raw = get_argument_values(graphql_field, found.nodes[0], variable_values(info))
    kwargs = field_arguments(schema, field, raw)
    info_parameter = field.base_resolver.info_parameter
    if info_parameter is not None:
        kwargs[info_parameter.name] = _Info(info.context)
    results = []
    for instance in instances:
        try:
            results.append(resolver(instance, **kwargs))
        except Exception:  # reported by the real walk
            continue
    return _descend(info, results, found if leads_on else None, depth, named)


def _loads_below(info: Info, found: CollectedField, depth: int) -> bool:
    """Whether any field selected below (on any possible type) loads: else skip the walk."""
    if depth > MAX_DEPTH or not found.objects:
        return False
    schema = strawberry_schema(info.schema)
    for type_name, selected in found.objects.items():
        for below in selected.fields.values():
            field = _strawberry_field(schema, type_name, below.name)
            if field is None:
                continue
            resolver = resolver_function(field)
            if resolver is not None and does_load(resolver):
                return True
            if _loads_below(info, below, depth + 1):
                return True
    return False


async def _descend(
    info: Info, results: list[Any], found: CollectedField | None, depth: int, named: Any
) -> None:
    # Await the loads themselves (futures: no task per item); build objects
    # only when there is a level below to warm.
    pending = [r.source if isinstance(r, Later) else r for r in results if inspect.isawaitable(r)]
    settled: Any = iter(())
    if pending:
        settled = iter(await asyncio.gather(*pending, return_exceptions=True))
    if found is None:
        return
    values = [_settle(r, next(settled)) if inspect.isawaitable(r) else r for r in results]
    values = [v for v in values if not isinstance(v, BaseException)]
    await _level(info, _objects(values, named), found, depth + 1)


def _settle(awaited: Any, value: Any) -> Any:
    if isinstance(value, BaseException) or not isinstance(awaited, Later):
        return value
    try:
        return awaited.convert(value)
    except Exception as exc:  # reported by the real walk
        return exc
