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

from graphql import (
    FieldNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    get_named_type,
    is_abstract_type,
    is_composite_type,
)
from graphql.execution.values import get_argument_values
from strawberry.types import has_object_definition

from compat.strawberry import field_arguments, resolver_function, strawberry_schema
from gql.prefetch.marks import does_load
from gql.prefetch.selection import collect_fields, variable_values
from resolvers.deferred import Later

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
    selection_sets = [n.selection_set for n in info.field_nodes if n.selection_set]
    try:
        await _level(info, _objects([result], get_named_type(info.return_type)), selection_sets, 0)
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
    info: Info, objects: dict[str, list[Any]], selection_sets: list[Any], depth: int
) -> None:
    if depth > MAX_DEPTH or not selection_sets:
        return
    branches = []
    for type_name, instances in objects.items():
        fields = collect_fields(
            info.schema, info.fragments, variable_values(info), type_name, selection_sets
        )
        for nodes in fields.values():
            try:
                branch = _field(info, type_name, instances, nodes, depth)
            except Exception:  # reported by the real walk
                continue
            if branch is not None:
                branches.append(branch)
    if branches:
        await asyncio.gather(*branches, return_exceptions=True)


def _field(
    info: Info, type_name: str, instances: list[Any], nodes: list[FieldNode], depth: int
) -> Any:
    schema = strawberry_schema(info.schema)
    name = nodes[0].name.value
    field = _strawberry_field(schema, type_name, name)
    if field is None:
        return None
    graphql_field = info.schema.get_type(type_name).fields[name]  # type: ignore[union-attr]
    sub_selections = [n.selection_set for n in nodes if n.selection_set]
    named = get_named_type(graphql_field.type)
    leads_on = is_composite_type(named) and _loads_below(info, named, sub_selections, depth)
    if field.base_resolver is None:  # an object held as a plain attribute
        if not leads_on:
            return None
        held = [getattr(instance, field.python_name) for instance in instances]
        return _descend(info, held, sub_selections, depth, named)
    resolver = resolver_function(field)
    if resolver is None or inspect.iscoroutinefunction(resolver):
        return None
    if not (does_load(resolver) or leads_on):
        return None
    raw = get_argument_values(graphql_field, nodes[0], variable_values(info))
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
    return _descend(info, results, sub_selections if leads_on else [], depth, named)


def _loads_below(info: Info, named: Any, selection_sets: list[Any], depth: int) -> bool:
    """Whether any field selected below (on any possible type) loads: else skip the walk."""
    if depth > MAX_DEPTH or not selection_sets:
        return False
    schema = strawberry_schema(info.schema)
    possible = info.schema.get_possible_types(named) if is_abstract_type(named) else [named]
    for object_type in possible:
        fields = collect_fields(
            info.schema, info.fragments, variable_values(info), object_type.name, selection_sets
        )
        for nodes in fields.values():
            name = nodes[0].name.value
            field = _strawberry_field(schema, object_type.name, name)
            if field is None:
                continue
            resolver = resolver_function(field)
            if resolver is not None and does_load(resolver):
                return True
            child = get_named_type(object_type.fields[name].type)
            children = [n.selection_set for n in nodes if n.selection_set]
            if is_composite_type(child) and _loads_below(info, child, children, depth + 1):
                return True
    return False


async def _descend(
    info: Info, results: list[Any], sub_selections: list[Any], depth: int, named: Any
) -> None:
    # Await the loads themselves (futures: no task per item); build objects
    # only when there is a level below to warm.
    pending = [r.source if isinstance(r, Later) else r for r in results if inspect.isawaitable(r)]
    settled: Any = iter(())
    if pending:
        settled = iter(await asyncio.gather(*pending, return_exceptions=True))
    if not sub_selections:
        return
    values = [_settle(r, next(settled)) if inspect.isawaitable(r) else r for r in results]
    values = [v for v in values if not isinstance(v, BaseException)]
    await _level(info, _objects(values, named), sub_selections, depth + 1)


def _settle(awaited: Any, value: Any) -> Any:
    if isinstance(value, BaseException) or not isinstance(awaited, Later):
        return value
    try:
        return awaited.convert(value)
    except Exception as exc:  # reported by the real walk
        return exc
