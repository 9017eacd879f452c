"""Validation rules for a `DocumentPolicy`, run before graphql-core's own rules.

They are cheap (one pass of the collector, linear and budgeted), so
`prepared.DocumentCache` runs them first and skips the specified rules (some of which
are quadratic, e.g. OverlappingFieldsCanBeMerged) when a document already
breaks a limit. The collector's budget is one of the limits
(SELECTION_TOO_COMPLEX): no other walker sees a document over it.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    MaxIntrospectionDepthRule,
    OperationDefinitionNode,
    ValidationContext,
)
from graphql.language.visitor import SKIP, VisitorAction

from limits.measure import measure_operation
from limits.policy import DocumentPolicy
from selections import SelectionTooComplex

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def limit_rules(policy: DocumentPolicy) -> tuple[type[ASTValidationRule], ...]:
    # graphql-core's bound on introspection depth (`ofType` chains) comes along.
    rules: list[type[ASTValidationRule]] = [_operation_limits(policy), MaxIntrospectionDepthRule]
    if not policy.introspection:
        rules.append(NoIntrospectionRule)
    return tuple(rules)


def _operation_limits(policy: DocumentPolicy) -> type[ASTValidationRule]:
    class OperationLimitsRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            try:
                measured = measure_operation(node, self.fragments, policy.max_selection_steps)
            except SelectionTooComplex as exc:
                extensions = {"code": exc.code, "limit": exc.limit}
                self.report_error(GraphQLError(str(exc), node, extensions=extensions))
                return SKIP
            checks = (
                (policy.max_depth, measured.depth, "QUERY_TOO_DEEP", "Query depth"),
                (policy.max_aliases, measured.aliases, "TOO_MANY_ALIASES", "Aliases"),
                (policy.max_directives, measured.directives, "TOO_MANY_DIRECTIVES", "Directives"),
                (
                    policy.max_root_fields,
                    measured.root_fields,
                    "TOO_MANY_ROOT_FIELDS",
                    "Root fields",
                ),
            )
            for limit, value, code, what in checks:
                if limit and value > limit:
                    self.report_error(
                        GraphQLError(
                            f"{what} {value} exceeds the limit of {limit}.",
                            node,
                            extensions={"code": code, "limit": limit, "value": value},
                        )
                    )
            return SKIP  # the walk above saw everything this rule needs

        def enter_fragment_definition(self, *_args: Any) -> VisitorAction:
            return SKIP  # measured where spread

    return OperationLimitsRule


class NoIntrospectionRule(ASTValidationRule):
    """`__schema` and `__type` are refused (production); `__typename` stays."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(
                GraphQLError(
                    "Introspection is disabled.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )
