"""Collect the fields a selection asks of a type (fragments, @skip/@include)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_directive_values
from graphql.type.directives import GraphQLIncludeDirective, GraphQLSkipDirective


def variable_values(info: Any) -> VariableValues:
    """graphql-core's container for the operation's variables.

    Strawberry hands resolvers the plain coerced dict, but graphql-core 3.3
    reads `.coerced` when an argument or directive holds a variable.
    """
    values = info.variable_values
    return values if isinstance(values, VariableValues) else VariableValues({}, values or {})


def _included(node: Any, variables: Any) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def _applies(schema: GraphQLSchema, condition: str | None, type_name: str) -> bool:
    if condition is None or condition == type_name:
        return True
    conditional = schema.get_type(condition)
    concrete = schema.get_type(type_name)
    if conditional is None or concrete is None or not is_abstract_type(conditional):
        return False
    return schema.is_sub_type(conditional, concrete)


def collect_fields(
    schema: GraphQLSchema,
    fragments: dict[str, Any],
    variables: Any,
    type_name: str,
    selection_sets: Iterable[SelectionSetNode],
) -> dict[str, list[FieldNode]]:
    """Response key → the field nodes merged under it, for objects of `type_name`."""
    fields: dict[str, list[FieldNode]] = {}
    pending = list(selection_sets)
    while pending:
        for selection in pending.pop().selections:
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if _applies(schema, condition.name.value if condition else None, type_name):
                    pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment and _applies(schema, fragment.type_condition.name.value, type_name):
                    pending.append(fragment.selection_set)
    return fields


def selects(info: Any, *paths: tuple[str, ...]) -> bool:
    """Whether the current field's selection reaches any of `paths` (field names)."""
    root = get_named_type(info.return_type)
    selection_sets = [node.selection_set for node in info.field_nodes if node.selection_set]
    return any(_selects(info, root, selection_sets, path) for path in paths)


def _selects(info: Any, type_: Any, selection_sets: list[Any], path: tuple[str, ...]) -> bool:
    if not selection_sets or not isinstance(type_, GraphQLObjectType):
        return False
    fields = collect_fields(
        info.schema, info.fragments, variable_values(info), type_.name, selection_sets
    )
    head, rest = path[0], path[1:]
    nodes = [node for group in fields.values() for node in group if node.name.value == head]
    if not nodes or not rest:
        return bool(nodes)
    child = get_named_type(type_.fields[head].type)
    return _selects(info, child, [n.selection_set for n in nodes if n.selection_set], rest)
