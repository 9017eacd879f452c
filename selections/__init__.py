"""One selection collector for the whole project (graphql-core only: every package may use it).

GraphQL's CollectFields, linear in the document and capped by a step budget
(`SelectionTooComplex`, code SELECTION_TOO_COMPLEX), memoized per prepared
document. The planner, the cost, the response cache's hints, the prefetch
and the document measures all read selections through it.
"""

from selections.collector import DEFAULT_MAX_STEPS, MAX_NESTING, Collector, Grouped
from selections.document import DocumentSelections, directive_variables
from selections.errors import SelectionTooComplex
from selections.tree import CollectedField, CollectedObject, CollectedOperation, collect_operation

__all__ = [
    "DEFAULT_MAX_STEPS",
    "MAX_NESTING",
    "CollectedField",
    "CollectedObject",
    "CollectedOperation",
    "Collector",
    "DocumentSelections",
    "Grouped",
    "SelectionTooComplex",
    "collect_operation",
    "directive_variables",
]
