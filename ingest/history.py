"""Reading jobs back: one by id, or a keyset page of them, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ingest.jobs import jobs
from models import ImportStatus
from pagination import Ordering, Page, PageRequest, apply_page, make_page, page_params

NEWEST_FIRST = Ordering("ImportJob", (jobs.c.id,), ("id",), (int,), descending=True)


async def page_of_jobs(
    engine: AsyncEngine, request: PageRequest, status: ImportStatus | None = None
) -> tuple[Page[Row[Any]], int]:
    """The page, and how many jobs (of that status) there are in all."""
    where = [] if status is None else [jobs.c.status == status.value]
    query = apply_page(select(jobs).where(*where), NEWEST_FIRST, request)
    total = select(func.count()).select_from(jobs).where(*where)
    async with engine.connect() as conn:
        fetched = (await conn.execute(query, page_params(NEWEST_FIRST, request))).all()
        count = int((await conn.execute(total)).scalar_one())
    return make_page(fetched, NEWEST_FIRST, request), count
