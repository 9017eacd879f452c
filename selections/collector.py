"""CollectFields, the GraphQL spec's (and graphql-core's), for every walker of a document.

`Collector.fields(type, selection sets)` is one place of a response: the fields
that selection sets ask of objects of one type, merged by response key in
first-appearance order, through inline fragments and fragment spreads whose
type condition applies, @skip/@include evaluated. A fragment spread again in
the same place is collected once (the spec's visited fragments).

Linear work: a named fragment is collected once per (parent type, fragment)
and collector, flattened (the fields of its nested spreads included, each
field node once); a place merges those flattened lists instead of walking the
fragment again. A chain of fragments each spreading the next twice costs a
few steps per fragment, not 2^n. Merging a flattened list whose fragments the
place already visited yields the nodes it already has (the spec skips those
spreads), so nodes are deduplicated by identity: the result is the spec's.

Each selection walked and each field node merged is one step; a collector
that takes more than `max_steps` raises `SelectionTooComplex`, and so does
one whose fragments (named or inline) nest more than `MAX_NESTING` levels
within one place (their walk recurses: the interpreter's stack must
outlast any document). The parent
type may be None: untyped, every type condition applies (the document
measures, which run before validation, use it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    VariableNode,
)

from selections.errors import SelectionTooComplex

DEFAULT_MAX_STEPS = 10_000
MAX_NESTING = 100


class Grouped:
    """One place's fields by response key, and the directives met collecting them."""

    __slots__ = ("_seen", "directives", "fields")

    def __init__(self) -> None:
        self.fields: dict[str, list[FieldNode]] = {}
        self.directives = 0
        self._seen: set[int] = set()

    def add(self, node: FieldNode) -> None:
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        key = node.alias.value if node.alias else node.name.value
        found = self.fields.get(key)
        if found is None:
            self.fields[key] = [node]
        else:
            found.append(node)


@dataclass(frozen=True, slots=True)
class _Flat:
    """A fragment collected on one parent type: its field nodes in order, the
    fragments it visited (itself included) and the directives it holds."""

    nodes: Sequence[FieldNode]
    fragments: frozenset[str]
    directives: int


class Collector:
    """CollectFields over one document's fragments with one set of @skip/@include values.

    `switches`: the values of the variables @skip/@include read; None: every
    condition on a variable holds, so the result is the most any request can
    select (literal conditions are evaluated either way).
    """

    def __init__(
        self,
        schema: GraphQLSchema | None,
        fragments: Mapping[str, FragmentDefinitionNode],
        *,
        switches: Mapping[str, bool] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.switches = switches
        self.max_steps = max_steps
        self.steps = 0
        self._nesting = 0
        # (parent type name or None, fragment name) → flattened; None while being
        # collected (a spread of it met meanwhile is a cycle: NoFragmentCyclesRule's).
        self._flats: dict[tuple[str | None, str], _Flat | None] = {}

    def fields(
        self, parent: GraphQLObjectType | None, selection_sets: Iterable[SelectionSetNode]
    ) -> Grouped:
        out = Grouped()
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._walk(parent, selection_set, out, visited)
        return out

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.max_steps:
            raise SelectionTooComplex.steps(self.max_steps)

    def _nested(
        self,
        parent: GraphQLObjectType | None,
        selection_set: SelectionSetNode,
        out: Grouped,
        visited: set[str],
    ) -> None:
        """`_walk` one fragment level deeper."""
        if self._nesting >= MAX_NESTING:
            raise SelectionTooComplex.nesting(MAX_NESTING)
        self._nesting += 1
        try:
            self._walk(parent, selection_set, out, visited)
        finally:
            self._nesting -= 1

    def _walk(
        self,
        parent: GraphQLObjectType | None,
        selection_set: SelectionSetNode,
        out: Grouped,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            self.step()
            directives = selection.directives
            if directives:
                out.directives += len(directives)
                if not self._included(directives):
                    continue
            if isinstance(selection, FieldNode):
                out.add(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, parent):
                    self._nested(parent, selection.selection_set, out, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is None or not self._applies(fragment.type_condition, parent):
                    continue
                flat = self._flat(parent, name, fragment)
                if flat is None:
                    continue
                self.step(len(flat.nodes))
                for node in flat.nodes:
                    out.add(node)
                out.directives += flat.directives
                visited.update(flat.fragments)

    def _flat(
        self, parent: GraphQLObjectType | None, name: str, fragment: FragmentDefinitionNode
    ) -> _Flat | None:
        key = (None if parent is None else parent.name, name)
        if key in self._flats:
            return self._flats[key]
        self._flats[key] = None
        out = Grouped()
        out.directives = len(fragment.directives or ())
        visited = {name}
        self._nested(parent, fragment.selection_set, out, visited)
        nodes = [node for group in out.fields.values() for node in group]
        flat = self._flats[key] = _Flat(nodes, frozenset(visited), out.directives)
        return flat

    def _included(self, directives: Sequence[DirectiveNode]) -> bool:
        for directive in directives:
            name = directive.name.value
            if name != "skip" and name != "include":
                continue
            value = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
            if isinstance(value, BooleanValueNode):
                flag: bool | None = value.value
            elif isinstance(value, VariableNode) and self.switches is not None:
                flag = self.switches.get(value.name.value)
            else:
                flag = None  # a variable's value unknown (every value counts), or invalid
            if flag is not None and flag == (name == "skip"):
                return False
        return True

    def _applies(self, condition: NamedTypeNode | None, parent: GraphQLObjectType | None) -> bool:
        if condition is None or parent is None or self.schema is None:
            return True
        name = condition.name.value
        if name == parent.name:
            return True
        conditional = self.schema.get_type(name)
        if not isinstance(conditional, GraphQLInterfaceType | GraphQLUnionType):
            return False
        return self.schema.is_sub_type(conditional, parent)
