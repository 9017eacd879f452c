"""The Strawberry schema, and its printed SDL (`fleetgraph schema`)."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry.schema.config import StrawberryConfig

from compat.graphql_core import FastLeafExecutionContext
from compat.strawberry import graphql_schema
from gql.documents import CachedDocuments
from gql.extensions.error_codes import ErrorCodes
from gql.fast_resolvers import install_fast_resolvers
from gql.types.driver import Driver
from gql.types.mutation import Mutation
from gql.types.query import Query
from gql.types.safety_event import SafetyEvent
from gql.types.season import Season
from gql.types.subscription import Subscription
from gql.types.trip import Trip
from gql.types.vehicle import Vehicle
from limits import MAX_BATCH_OPERATIONS, DocumentPolicy, limit_rules
from observability.graphql_extension import Observability
from prepared import DocumentCache

DEFAULT_POLICY = DocumentPolicy()


@cache
def build_schema() -> strawberry.Schema:
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Driver, Vehicle, Trip, SafetyEvent, Season],
        # Parsed and validated documents are cached per process (prepared/):
        # a repeated document skips both (validation alone costs milliseconds).
        # Observability first: it must see the errors after ErrorCodes coded them.
        extensions=[
            Observability,
            ErrorCodes,
            lambda: CachedDocuments(document_cache(schema)),
        ],
        # Strawberry's own batch check lets everything the setting can allow through;
        # the app refuses what its MAX_BATCH_OPERATIONS does not (gql/http.py).
        config=StrawberryConfig(
            auto_camel_case=True, batching_config={"max_operations": MAX_BATCH_OPERATIONS}
        ),
        execution_context_class=FastLeafExecutionContext,
    )
    install_fast_resolvers(schema)
    return schema


@cache
def document_cache(
    schema: strawberry.Schema, policy: DocumentPolicy = DEFAULT_POLICY
) -> DocumentCache:
    """The process's parse/validate cache for `schema` under `policy` (limits/).

    One per policy: the app passes its own to both executors (`Context.documents`).
    """
    return DocumentCache(
        graphql_schema(schema),
        limit_rules=limit_rules(policy),
        max_tokens=policy.max_tokens,
        max_errors=policy.max_errors,
        hide_suggestions=not policy.introspection,
        max_selection_steps=policy.max_selection_steps,
    )


def print_schema_sdl() -> str:
    return build_schema().as_str()
