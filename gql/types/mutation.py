"""The Mutation root: every write of the public contract (admins only)."""

from __future__ import annotations

import strawberry

from context import Context
from gql.types.cache_controls import InvalidateResponseCacheInput, InvalidateResponseCachePayload
from gql.types.import_job import ImportFormat, ImportJob, ImportTripsPayload, Upload
from gql.types.mutation_inputs import CreateDriverInput, RecordTripInput, UpdateDriverInput
from gql.types.payloads import DeletePayload, DriverPayload, TripPayload, UserError
from resolvers import cache_controls
from resolvers import import_jobs as resolve_imports
from resolvers import mutations as resolve
from writes import Problem

Info = strawberry.Info[Context, None]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_driver(self, info: Info, input: CreateDriverInput) -> DriverPayload:
        return DriverPayload.of(await resolve.create_driver(info.context, input.spec()))

    @strawberry.mutation
    async def update_driver(self, info: Info, input: UpdateDriverInput) -> DriverPayload:
        outcome = await resolve.update_driver(info.context, input.id, input.spec())
        return DriverPayload.of(outcome)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Stores a finished trip with its safety events and updates every aggregate it touches."
        )
    )
    async def record_trip(self, info: Info, input: RecordTripInput) -> TripPayload:
        outcome = await resolve.record_trip(info.context, input.driver_id, input.spec())
        return TripPayload.of(outcome)

    @strawberry.mutation
    async def delete_trip(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return DeletePayload.of(await resolve.delete_trip(info.context, id))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Drops response-cache entries and says how many (admins only)."
    )
    async def invalidate_response_cache(
        self, info: Info, input: InvalidateResponseCacheInput
    ) -> InvalidateResponseCachePayload:
        dropped = await cache_controls.invalidate(info.context, input.target())
        return InvalidateResponseCachePayload.of(dropped)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Queues a bulk import of trips from an uploaded NDJSON or CSV file (gzip or not; "
            "`events`: the CSV of their safety events) and returns the job at once (admins only)."
        )
    )
    async def import_trips(
        self,
        info: Info,
        file: Upload,
        format: ImportFormat | None = None,
        events: Upload | None = None,
    ) -> ImportTripsPayload:
        found = await resolve_imports.import_trips(info.context, file, format, events)
        if isinstance(found, Problem):
            return ImportTripsPayload(job=None, user_errors=[UserError.of(found)])
        return ImportTripsPayload(job=ImportJob.of(found), user_errors=[])
