"""Strawberry extension: parse/validate/execute spans under the operation span.

Unlike Strawberry's OpenTelemetryExtension it opens no span per resolver:
a response of thousands of fields would pay for thousands of spans. I/O
shows up instead as DataLoader batch spans and SQL spans beneath `execute`.

The operation span itself belongs to the HTTP view (`operation_scope`
around both executors); when the schema runs without it (tests, scripts)
this extension opens and closes one itself.

With the process's document cache (prepared/) a repeated document's
parse and validate spans still exist but last microseconds: they show the
cache at work rather than hide it.

Must be listed before ErrorCodes: its `on_operation` then finishes last and
sees the errors as the client gets them (codes and reference ids), while
`on_execute` sees the original exceptions first.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from observability.operation import OperationScope, current_scope
from observability.tracing import mark_executor


class Observability(SchemaExtension):
    scope: OperationScope

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        scope = current_scope()
        owned = scope is None
        if scope is None:
            scope = OperationScope(context.query, context.operation_name)
        self.scope = scope
        record = scope.record
        if record is not None and record.log_variables and context.variables:
            record.variables = dict(context.variables)
        try:
            yield
        finally:
            if owned:
                result = context.result
                scope.errors = list(result.errors or ()) if result is not None else None
                scope.finish()

    def on_parse(self) -> Iterator[None]:
        with self.scope.phase("graphql.parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with self.scope.phase("graphql.validate"):
            yield

    def on_execute(self) -> Iterator[None]:
        mark_executor("reference")
        with self.scope.phase("graphql.execute"):
            yield
        result = self.execution_context.result
        if result is not None and result.errors:
            self.scope.exceptions(result.errors)
