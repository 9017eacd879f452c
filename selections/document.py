"""One document's collected operations, memoized: kept by its `PreparedDocument`.

A tree depends on the document, the operation and the values of the
variables @skip/@include read (`switches`): most documents read none, and
have one tree per operation. The others keep their latest `MAX_VARIANTS`
combinations of values, besides the tree with every such condition holding
(`flags=None`: the most any request can select; the response cache's hints
and the document checks use it). A tree over the budget is remembered as
such, so a repeated refusal costs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

from selections.collector import DEFAULT_MAX_STEPS
from selections.errors import SelectionTooComplex
from selections.tree import CollectedOperation, collect_operation

MAX_VARIANTS = 16

Flags = tuple[bool, ...]


class DocumentSelections:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode | None,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> None:
        self.schema = schema
        self.document = document
        self.max_steps = max_steps
        self._switches: tuple[str, ...] | None = None
        self._fragments: dict[str, FragmentDefinitionNode] | None = None
        # By id() of the operation (the document keeps it alive); or how it was refused.
        self._upper: dict[int, CollectedOperation | SelectionTooComplex] = {}
        self._variants: OrderedDict[tuple[int, Flags], CollectedOperation | SelectionTooComplex] = (
            OrderedDict()
        )

    @property
    def switches(self) -> tuple[str, ...]:
        """The variables @skip/@include read anywhere in the document, in order."""
        if self._switches is None:
            self._switches = () if self.document is None else directive_variables(self.document)
        return self._switches

    def flags(self, variables: Mapping[str, Any] | None) -> Flags | None:
        """The switches' values in the request's coerced `variables`; None if there are none."""
        switches = self.switches
        if not switches:
            return None
        values = variables or {}
        return tuple(bool(values.get(name)) for name in switches)

    def collect(
        self, operation: OperationDefinitionNode, flags: Flags | None = None
    ) -> CollectedOperation:
        """The operation's tree for `flags` (from `flags()`), or with every
        condition on a variable holding when None. `SelectionTooComplex` past the
        budget."""
        found: CollectedOperation | SelectionTooComplex | None
        if flags is None or not self.switches:
            found = self._upper.get(id(operation))
            if found is None:
                found = self._upper[id(operation)] = self._build(operation, None)
        else:
            key = (id(operation), flags)
            found = self._variants.get(key)
            if found is None:
                found = self._build(operation, dict(zip(self.switches, flags, strict=True)))
                self._variants[key] = found
                if len(self._variants) > MAX_VARIANTS:
                    self._variants.popitem(last=False)
        if isinstance(found, SelectionTooComplex):
            # A new exception each time: raising one again would grow its traceback.
            raise SelectionTooComplex(found.message, found.limit)
        return found

    def _build(
        self, operation: OperationDefinitionNode, switches: Mapping[str, bool] | None
    ) -> CollectedOperation | SelectionTooComplex:
        if self._fragments is None:
            definitions = () if self.document is None else self.document.definitions
            self._fragments = {
                d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
            }
        try:
            return collect_operation(
                self.schema,
                operation,
                self._fragments,
                switches=switches,
                max_steps=self.max_steps,
            )
        except SelectionTooComplex as exc:
            return exc.with_traceback(None)


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """Variables read by @skip/@include anywhere in `document` (each selection once)."""
    names: dict[str, None] = {}
    pending: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        for selection in pending.pop().selections:
            for directive in selection.directives or ():
                if directive.name.value not in ("skip", "include"):
                    continue
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names[argument.value.name.value] = None
            below = getattr(selection, "selection_set", None)
            if below is not None:
                pending.append(below)
    return tuple(names)
