"""Execution: run a cached plan level by level and return the response data.

Each plan node builds the dicts of all its objects at once, then loads its
children for all those objects together: one `Batched` call per field and
level (one SQL statement), siblings concurrently. Fields that need no
statement (a `Batched` field's `now` answer, `Attribute`, `Computed`) are
placed at once, without a task. A value the reference
executor would turn into an error (a null in a non-null position) raises
`NeedsReference`: the request is answered by the reference executor, which
reports the error with its path and null propagation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from graphql.execution.values import VariableValues, get_argument_values

from planner.fields import Arguments, Attribute, Batched
from planner.plan import ChildPlan, ObjectPlan, OperationPlan

if TYPE_CHECKING:
    from context import Context


Json: TypeAlias = dict[str, Any]
Pending: TypeAlias = list[Coroutine[Any, Any, None]]


class NeedsReference(Exception):
    """This request's data needs the reference executor (an error to report)."""


class Run:
    """One request's execution of a plan."""

    __slots__ = ("context", "data", "folded", "objects_by_type", "scanned", "variables")

    def __init__(self, context: Context, variables: VariableValues) -> None:
        self.context = context
        self.variables = variables
        # How many objects of each type the response holds (for its actual cost).
        self.objects_by_type: dict[str, int] = {}
        self.scanned = 0  # the aggregates' cost points (`ObjectPlan.scan`)
        self.data: dict[str, Any] | None = None
        # Values a fold brought, by the id() of the child plan, then of the parent value.
        self.folded: dict[int, dict[int, Any]] = {}

    async def execute(self, plan: OperationPlan) -> None:
        [self.data], pending = self.objects(plan.root, [None])
        await _run(pending)
        self.objects_by_type[plan.root.type_name] -= 1  # the response's root is no object

    # Each step below does all it can at once and returns the loads left to await
    # (coroutines not yet started): a level whose fields need no statement (joined
    # relations, computed values) is built without a task or a suspension.

    def objects(self, plan: ObjectPlan, values: Sequence[Any]) -> tuple[list[Json], Pending]:
        """The objects' dicts, and the loads that will fill their other fields."""
        build = plan.build
        dicts = [build(value) for value in values]
        counts = self.objects_by_type
        counts[plan.type_name] = counts.get(plan.type_name, 0) + len(dicts)
        if plan.scan:
            self.scanned += plan.scan * len(dicts)
        pending: Pending = []
        try:
            for child in plan.children:
                pending += self.child(child, values, dicts)
        except BaseException:
            _close(pending)
            raise
        return dicts, pending

    def child(self, plan: ChildPlan, parents: Sequence[Any], dicts: list[Json]) -> Pending:
        source = plan.source
        results: Sequence[Any] | None
        if isinstance(source, Batched):
            arguments = plan.constant_arguments
            if arguments is None:
                arguments = get_argument_values(plan.definition, plan.node, self.variables)
            now = source.now
            brought = self.folded.get(id(plan))
            if not parents:
                results = []  # nothing to load for
            elif brought is not None:
                results = [brought[id(parent)] for parent in parents]
            elif now is not None:
                results = now(arguments, parents, plan.selection)
            else:
                results = None
            if results is None:
                return [self.load(plan, source, arguments, parents, dicts)]
        elif isinstance(source, Attribute):
            name = source.name
            results = [getattr(parent, name) for parent in parents]
        else:
            compute = source.compute
            results = [compute(parent) for parent in parents]
        return self.place(plan, results, dicts)

    async def load(
        self,
        plan: ChildPlan,
        source: Batched,
        arguments: Arguments,
        parents: Sequence[Any],
        dicts: list[Json],
    ) -> None:
        results = await self.fold(plan, source, arguments, parents)
        if results is None:
            results = await source.load(self.context, arguments, parents, plan.selection)
        await _run(self.place(plan, results, dicts))

    async def fold(
        self, plan: ChildPlan, source: Batched, arguments: Arguments, parents: Sequence[Any]
    ) -> Sequence[Any] | None:
        """The field's values with its folded child's (kept for that child), or None."""
        child = plan.folds
        if child is None or source.fold is None:
            return None
        child_arguments = child.constant_arguments
        if child_arguments is None:
            child_arguments = get_argument_values(child.definition, child.node, self.variables)
        name = child.node.name.value
        both = await source.fold.load(
            self.context, arguments, parents, plan.selection, name, child_arguments, child.selection
        )
        if both is None:
            return None
        values, brought = both
        self.folded[id(child)] = {
            id(value): found
            for value, found in zip(values, brought, strict=True)
            if value is not None
        }
        return values

    def place(self, plan: ChildPlan, results: Sequence[Any], dicts: list[Json]) -> Pending:
        """Put each parent's value under the field's key (objects built first)."""
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
            return []
        if plan.is_list:
            return self.lists(plan, results, dicts)
        return self.singles(plan, results, dicts)

    def singles(self, plan: ChildPlan, results: Sequence[Any], dicts: list[Json]) -> Pending:
        present = [value for value in results if value is not None]
        if plan.non_null and len(present) != len(results):
            raise NeedsReference(plan.key)
        built, pending = self.built(plan, present)
        made = iter(built)
        key = plan.key
        for out, value in zip(dicts, results, strict=True):
            out[key] = None if value is None else next(made)
        return pending

    def lists(self, plan: ChildPlan, results: Sequence[Any], dicts: list[Json]) -> Pending:
        if plan.non_null and any(items is None for items in results):
            raise NeedsReference(plan.key)
        flat = [item for items in results if items is not None for item in items]
        present = [item for item in flat if item is not None]
        if plan.item_non_null and len(present) != len(flat):
            raise NeedsReference(plan.key)
        built, pending = self.built(plan, present)
        key = plan.key
        if len(present) == len(flat):  # no null item: each list is a slice of the built
            start = 0
            for out, items in zip(dicts, results, strict=True):
                if items is None:
                    out[key] = None
                else:
                    end = start + len(items)
                    out[key] = built[start:end]
                    start = end
            return pending
        made = iter(built)
        for out, items in zip(dicts, results, strict=True):
            if items is None:
                out[key] = None
            else:
                out[key] = [None if item is None else next(made) for item in items]
        return pending

    def built(self, plan: ChildPlan, values: list[Any]) -> tuple[list[Json], Pending]:
        """Dicts for `values` in order; abstract values are (type name, value) pairs."""
        if not plan.abstract:
            [object_plan] = plan.objects.values()
            return self.objects(object_plan, values)
        by_type: dict[str, list[int]] = {}
        for index, (type_name, _) in enumerate(values):
            by_type.setdefault(type_name, []).append(index)
        out: list[Json] = [{}] * len(values)
        pending: Pending = []
        try:
            for type_name, indexes in by_type.items():
                dicts, more = self.objects(plan.objects[type_name], [values[i][1] for i in indexes])
                pending += more
                for index, made in zip(indexes, dicts, strict=True):
                    out[index] = made
        except BaseException:
            _close(pending)
            raise
        return out, pending


async def _run(pending: Pending) -> None:
    """Await the loads left, siblings concurrently."""
    if len(pending) == 1:
        await pending[0]
    elif pending:
        await asyncio.gather(*pending)


def _close(pending: Pending) -> None:
    """Drop loads that will not run (a sibling raised first): none has started."""
    for coroutine in pending:
        coroutine.close()
