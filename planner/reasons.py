"""Why the reference executor answered instead of the planned one: a closed set of codes.

A reason reaches clients (`extensions.planner.fallback`) and labels a metric
(`fleetgraph_planner_requests_total{reason}`), so it is one of these fixed
lowercase words, never free text: which type, field or exception it was is
the span's `graphql.planner.fallback.detail` and the debug log's.
"""

from __future__ import annotations

NO_QUERY_TEXT = "no_query_text"  # nothing to plan (a request the view answers otherwise)
INVALID_DOCUMENT = "invalid_document"
INVALID_VARIABLES = "invalid_variables"  # variables that do not coerce
OPERATION_NAME_REQUIRED = "operation_name_required"  # several operations, no operationName
UNKNOWN_OPERATION = "unknown_operation"  # no operation of that name
NOT_A_QUERY = "not_a_query"  # mutations (and any other operation type)
INTROSPECTION = "introspection"  # __schema, __type
TYPE_NOT_COVERED = "type_not_covered"  # an object type (or field type) without plans
FIELD_NOT_COVERED = "field_not_covered"  # a field its type's plans do not cover
SCALAR_NOT_COVERED = "scalar_not_covered"  # a scalar without a planned serializer
NESTED_LIST = "nested_list"  # [[T]]
DIRECTIVE_ARGUMENT = "directive_argument"  # @skip/@include(if:) neither a variable nor a literal
SELECTION_TOO_COMPLEX = "selection_too_complex"  # over the selection budget: the guard refuses it
ERROR_TO_REPORT = "error_to_report"  # the answer carries an error: the reference reports it
EXECUTION_ERROR = "execution_error"  # the planned run raised (a database error, say)

REASONS = frozenset(
    {
        NO_QUERY_TEXT,
        INVALID_DOCUMENT,
        INVALID_VARIABLES,
        OPERATION_NAME_REQUIRED,
        UNKNOWN_OPERATION,
        NOT_A_QUERY,
        INTROSPECTION,
        TYPE_NOT_COVERED,
        FIELD_NOT_COVERED,
        SCALAR_NOT_COVERED,
        NESTED_LIST,
        DIRECTIVE_ARGUMENT,
        SELECTION_TOO_COMPLEX,
        ERROR_TO_REPORT,
        EXECUTION_ERROR,
    }
)
