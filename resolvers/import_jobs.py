"""Import jobs for admins: start one from an upload, read one, page through them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Row

from context import Context
from errors import Forbidden, InvalidArgument, InvalidId, Unauthenticated
from errors.domain import echo
from ingest import history, jobs, spool
from models import ImportFormat, ImportStatus
from pagination import Page, PageWindow
from pagination.args import page_request
from writes import Code, Problem

UPLOAD_SUFFIXES = {ImportFormat.NDJSON: ".ndjson", ImportFormat.CSV: ".csv"}


def require_admin(context: Context) -> None:
    if context.viewer.role is None:
        raise Unauthenticated("import jobs need an admin bearer token")
    if not context.viewer.is_admin:
        raise Forbidden("import jobs need the admin role")


def _settings(context: Context) -> Any:
    return context.request.scope["app"].state.settings


def job_pk(global_id: str) -> int:
    """The pk of an ImportJob id. Jobs are not Relay nodes (`node(id)` is for the
    fleet's data, readable by readers), so global_ids does not know the type."""
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError):
        text = ""
    type_name, _, raw_pk = text.partition(":")
    if type_name != "ImportJob" or not raw_pk.isdigit() or not 0 < int(raw_pk) < 2**31:
        raise InvalidId(f"{echo(global_id)!r} is not an ImportJob id")
    return int(raw_pk)


async def import_job(context: Context, global_id: str) -> Row[Any] | None:
    require_admin(context)
    return await jobs.fetch(context.db.engine, job_pk(global_id))


@dataclass(frozen=True, slots=True)
class JobPage:
    page: Page[Row[Any]]
    total: int


async def import_jobs(context: Context, window: PageWindow, status: ImportStatus | None) -> JobPage:
    require_admin(context)
    ordering = history.NEWEST_FIRST
    request = page_request(
        window.first, window.last, ordering.decode(window.after), ordering.decode(window.before)
    )
    page, total = await history.page_of_jobs(context.db.engine, request, status)
    return JobPage(page, total)


async def import_trips(
    context: Context, upload: Any, format: ImportFormat | None, events: Any | None
) -> Row[Any] | Problem:
    """The new QUEUED job (a worker takes it from there), or why none was made."""
    require_admin(context)
    for given, argument in ((upload, "file"), (events, "events")):
        if given is not None and not callable(getattr(given, "read", None)):
            raise InvalidArgument(
                f"`{argument}` must be a file part of a multipart request "
                "(the GraphQL multipart request spec)"
            )
    name = str(getattr(upload, "filename", None) or "upload")
    if format is None:
        lower = name.lower().removesuffix(".gz")
        format = ImportFormat.CSV if lower.endswith(".csv") else ImportFormat.NDJSON
    if events is not None and format is not ImportFormat.CSV:
        return Problem(("events",), "an events file goes with a CSV trips file", Code.CONFLICT)
    directory = Path(_settings(context).import_spool_dir)
    path = await spool.keep(upload, directory, UPLOAD_SUFFIXES[format])
    events_path = None if events is None else await spool.keep(events, directory, ".csv")
    job_id = await jobs.create(
        context.db.engine,
        format=format,
        file_name=name,
        path=str(path),
        events_path=None if events_path is None else str(events_path),
    )
    row = await jobs.fetch(context.db.engine, job_id)
    assert row is not None
    return row
