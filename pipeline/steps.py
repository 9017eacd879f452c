"""The steps' collaborators, built once when the app starts (gql/app.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import strawberry

from context import Context
from loaders import Database, Loaders

if TYPE_CHECKING:
    from auth.tokens import Viewer
    from limits import RequestGuard
    from loaders.season_calendar import SeasonCalendar
    from persisted import PersistedDocuments
    from pipeline.changes import ChangeSink
    from pipeline.request import GraphQLRequest
    from pipeline.response_cache import ResponseCacheStep
    from planner import Planner
    from prepared import DocumentCache
    from replicas import ReplicaRouter


@dataclass(frozen=True, slots=True)
class Contexts:
    """Makes each request's `Context` (its loaders are built lazily, per request)."""

    database: Database
    calendar: SeasonCalendar | None
    documents: DocumentCache

    def new(self, request: GraphQLRequest) -> Context:
        return Context(
            loaders=Loaders(self.database),
            calendar=self.calendar,
            now=datetime.now(UTC),
            viewer=request.viewer,
            request=request.http,
            documents=self.documents,
        )


@dataclass(frozen=True, slots=True)
class Shaping:
    """How much a response may say (pipeline/shape.py)."""

    max_errors: int
    suggestions: bool  # "Did you mean ...?" only where introspection is on


@dataclass(frozen=True, slots=True)
class Steps:
    persisted: PersistedDocuments  # step 1
    documents: DocumentCache  # step 2
    cache: ResponseCacheStep | None  # step 3; None: no response cache
    guard: RequestGuard  # step 4
    client_key: Callable[[Any, Viewer], str]  # step 4: whose rate-limit bucket pays
    planner: Planner | None  # step 5, the planned executor; None: the reference only
    schema: strawberry.Schema  # step 5, the reference executor
    contexts: Contexts
    shaping: Shaping  # step 6
    request_timeout: float  # a request's deadline, which bounds invalidation's retries
    changes: ChangeSink | None = None  # live queries (live/): what the writes changed
    replicas: ReplicaRouter | None = None  # DATABASE_READ_URLS: where reads go (replicas/)
