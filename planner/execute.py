"""Execution: run a cached plan level by level and return the response data.

Each plan node builds the dicts of all its objects at once, then loads its
children for all those objects together: one `Batched` call per field and
level (one SQL statement), siblings concurrently. A value the reference
executor would turn into an error (a null in a non-null position) raises
`NeedsReference`: the request is answered by the reference executor, which
reports the error with its path and null propagation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graphql.execution.values import VariableValues, get_argument_values

from planner.fields import Attribute, Batched
from planner.plan import ChildPlan, ObjectPlan, OperationPlan

if TYPE_CHECKING:
    from gql.context import Context


class NeedsReference(Exception):
    """This request's data needs the reference executor (an error to report)."""


class Run:
    """One request's execution of a plan."""

    __slots__ = ("context", "data", "objects_by_type", "variables")

    def __init__(self, context: Context, variables: VariableValues) -> None:
        self.context = context
        self.variables = variables
        # How many objects of each type the response holds (for its actual cost).
        self.objects_by_type: dict[str, int] = {}
        self.data: dict[str, Any] | None = None

    async def execute(self, plan: OperationPlan) -> None:
        [self.data] = await self.objects(plan.root, [None])
        self.objects_by_type[plan.root.type_name] -= 1  # the response's root is no object

    async def objects(self, plan: ObjectPlan, values: Sequence[Any]) -> list[dict[str, Any]]:
        build = plan.build
        dicts = [build(value) for value in values]
        counts = self.objects_by_type
        counts[plan.type_name] = counts.get(plan.type_name, 0) + len(dicts)
        children = plan.children
        if len(children) == 1:
            await self.child(children[0], values, dicts)
        elif children:
            await asyncio.gather(*(self.child(child, values, dicts) for child in children))
        return dicts

    async def child(
        self, plan: ChildPlan, parents: Sequence[Any], dicts: list[dict[str, Any]]
    ) -> None:
        source = plan.source
        results: Sequence[Any]
        if isinstance(source, Batched):
            arguments = plan.constant_arguments
            if arguments is None:
                arguments = get_argument_values(plan.definition, plan.node, self.variables)
            results = await source.load(self.context, arguments, parents, plan.selection)
        elif isinstance(source, Attribute):
            name = source.name
            results = [getattr(parent, name) for parent in parents]
        else:
            compute = source.compute
            results = [compute(parent) for parent in parents]
        key = plan.key
        if plan.leaf is not None:
            serialize = plan.leaf
            if plan.is_list:
                for out, value in zip(dicts, results, strict=True):
                    out[key] = None if value is None else [serialize(v) for v in value]
            else:
                if plan.non_null and any(value is None for value in results):
                    raise NeedsReference(key)
                for out, value in zip(dicts, results, strict=True):
                    out[key] = serialize(value)
            return
        if plan.is_list:
            await self.lists(plan, results, dicts)
        else:
            await self.singles(plan, results, dicts)

    async def singles(
        self, plan: ChildPlan, results: Sequence[Any], dicts: list[dict[str, Any]]
    ) -> None:
        present = [value for value in results if value is not None]
        if plan.non_null and len(present) != len(results):
            raise NeedsReference(plan.key)
        built = iter(await self.built(plan, present))
        key = plan.key
        for out, value in zip(dicts, results, strict=True):
            out[key] = None if value is None else next(built)

    async def lists(
        self, plan: ChildPlan, results: Sequence[Any], dicts: list[dict[str, Any]]
    ) -> None:
        if plan.non_null and any(items is None for items in results):
            raise NeedsReference(plan.key)
        flat = [item for items in results if items is not None for item in items]
        present = [item for item in flat if item is not None]
        if plan.item_non_null and len(present) != len(flat):
            raise NeedsReference(plan.key)
        built = iter(await self.built(plan, present))
        key = plan.key
        for out, items in zip(dicts, results, strict=True):
            if items is None:
                out[key] = None
            else:
                out[key] = [None if item is None else next(built) for item in items]

    async def built(self, plan: ChildPlan, values: list[Any]) -> list[dict[str, Any]]:
        """Dicts for `values` in order; abstract values are (type name, value) pairs."""
        if not plan.abstract:
            [object_plan] = plan.objects.values()
            return await self.objects(object_plan, values)
        by_type: dict[str, list[int]] = {}
        for index, (type_name, _) in enumerate(values):
            by_type.setdefault(type_name, []).append(index)
        out: list[dict[str, Any]] = [{}] * len(values)
        groups = list(by_type.items())
        made = await asyncio.gather(
            *(
                self.objects(plan.objects[type_name], [values[i][1] for i in indexes])
                for type_name, indexes in groups
            )
        )
        for (_, indexes), dicts in zip(groups, made, strict=True):
            for index, built in zip(indexes, dicts, strict=True):
                out[index] = built
        return out
