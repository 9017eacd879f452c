"""`fleetgraph import trips FILE` and `fleetgraph import worker`.

`import trips` records a job and, unless `--detach`, runs it in this process
with a progress bar (over the file's bytes as stored, compressed or not) and
prints the job's summary; killed, the job is picked up by the next worker
once its lease lapses, or marked FAILED. `--detach` only queues it for the
servers' workers (or `fleetgraph import worker`) and prints its id.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config import Settings

if TYPE_CHECKING:
    from ingest import Invalidate, Progress

SUFFIXES = {".ndjson": "NDJSON", ".jsonl": "NDJSON", ".json": "NDJSON", ".csv": "CSV"}
SHOWN_REJECTIONS = 10

Handler = Callable[[argparse.Namespace, Settings], None]


class ImportFailed(Exception):
    """The job ended FAILED (or could not start): printed as one line, exit status 1."""


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    imports = commands.add_parser("import", help="bulk-import data files as background jobs")
    which = imports.add_subparsers(dest="import_command", required=True, parser_class=parser_class)
    trips = which.add_parser("trips", help="import trips from NDJSON or CSV (plain or .gz)")
    trips.add_argument("file", type=Path)
    trips.add_argument("--events", type=Path, help="CSV of the trips' safety events")
    trips.add_argument("--format", choices=["ndjson", "csv"], help="default: from the file name")
    trips.add_argument("--detach", action="store_true", help="queue it for the workers and exit")
    trips.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    trips.set_defaults(handler=import_trips)
    worker = which.add_parser("worker", help="run queued import jobs until stopped")
    worker.add_argument("--once", action="store_true", help="exit when no job is waiting")
    worker.set_defaults(handler=run_worker)


def file_format(path: Path, given: str | None) -> str:
    if given:
        return given.upper()
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    found = SUFFIXES.get(suffixes[-1]) if suffixes else None
    if found is None:
        raise ImportFailed(f"{path.name}: cannot tell the format from the name; pass --format")
    return found


def import_trips(args: argparse.Namespace, settings: Settings) -> None:
    for path in (args.file, args.events):
        if path is not None and not path.is_file():
            raise ImportFailed(f"{path}: no such file")
    if args.events is not None and file_format(args.file, args.format) != "CSV":
        raise ImportFailed("--events goes with a CSV trips file")
    asyncio.run(_import_trips(args, settings))


async def _import_trips(args: argparse.Namespace, settings: Settings) -> None:
    from db import create_engine
    from ingest import jobs, runner, worker_token
    from models import ImportFormat

    engine = create_engine(settings.database_url, pool_size=settings.import_pool_size)
    token = None if args.detach else worker_token("cli")
    try:
        job_id = await jobs.create(
            engine,
            format=ImportFormat(file_format(args.file, args.format)),
            file_name=args.file.name,
            path=str(args.file.resolve()),
            events_path=str(args.events.resolve()) if args.events else None,
            worker=token,
        )
        if token is None:
            print(f"import job {job_id} queued", file=sys.stderr)
            return
        job = await jobs.fetch(engine, job_id)
        assert job is not None
        invalidate, close = _invalidation(settings)
        bar = _bar(args.file, hidden=args.no_progress)
        started = time.perf_counter()
        try:
            await runner.run(
                engine,
                job,
                jobs.Lease(job_id, token),
                _options(settings),
                invalidate,
                lambda progress, position: _advance(bar, progress, position),
            )
        finally:
            bar.close()
            await close()
        done = await jobs.fetch(engine, job_id)
        assert done is not None
        print(summary(done, time.perf_counter() - started), file=sys.stderr)
        if done.status == "FAILED":
            raise ImportFailed(f"import job {job_id} FAILED: {done.error}")
    finally:
        await engine.dispose()


def _options(settings: Settings) -> Any:
    from ingest import Options

    return Options(
        batch_rows=settings.import_batch_rows,
        pause_seconds=settings.import_batch_pause_seconds,
        lease_seconds=settings.import_lease_seconds,
    )


def _invalidation(settings: Settings) -> tuple[Invalidate, Callable[[], Any]]:
    """Invalidate in Redis, the cache servers share; the in-process cache lives in
    each server, which this process cannot reach (as after `fleetgraph seed`)."""
    from cache.factory import open_response_cache

    if not settings.redis_url or not settings.response_cache_enabled:
        if settings.response_cache_enabled:
            print(
                "response cache: in-process in each server, not invalidated from here; "
                "run invalidateResponseCache(input: {everything: true}) or use --detach",
                file=sys.stderr,
            )

        async def nothing(tags: set[str]) -> None:
            return None

        async def no_close() -> None:
            return None

        return nothing, no_close
    cache = open_response_cache(settings)
    assert cache is not None
    return cache.invalidate, cache.close


def _bar(path: Path, *, hidden: bool) -> Any:
    from tqdm import tqdm

    total = path.stat().st_size
    return tqdm(
        total=total, unit="B", unit_scale=True, desc=path.name, disable=hidden, file=sys.stderr
    )


def _advance(bar: Any, progress: Progress, position: int) -> None:
    bar.update(max(position - bar.n, 0))
    bar.set_postfix(
        imported=progress.imported, duplicates=progress.duplicate, rejected=progress.rejected
    )


def summary(job: Any, seconds: float | None = None) -> str:
    """The job's outcome as the CLI prints it (and the first rejected rows)."""
    import json

    rate = ""
    if seconds:
        rate = f" in {seconds:.1f} s ({job.rows_imported / seconds:,.0f} trips/s)"
    lines = [
        f"import job {job.id}: {job.status}: read {job.rows_read:,}, "
        f"imported {job.rows_imported:,}, duplicates {job.rows_duplicate:,}, "
        f"rejected {job.rows_rejected:,}{rate}"
    ]
    for rejection in json.loads(job.rejections)[:SHOWN_REJECTIONS]:
        field = f" ({rejection['field']})" if rejection.get("field") else ""
        lines.append(
            f"  line {rejection['line']}: {rejection['code']}{field}: {rejection['message']}"
        )
    if job.rows_rejected > SHOWN_REJECTIONS:
        lines.append(f"  ... {job.rows_rejected - SHOWN_REJECTIONS:,} more rejected")
    return "\n".join(lines)


def run_worker(args: argparse.Namespace, settings: Settings) -> None:
    asyncio.run(_run_worker(settings, once=args.once))


async def _run_worker(settings: Settings, *, once: bool) -> None:
    from db import create_engine
    from ingest import Worker

    engine = create_engine(settings.database_url, pool_size=settings.import_pool_size)
    invalidate, close = _invalidation(settings)
    worker = Worker(
        engine,
        _options(settings),
        max_attempts=settings.import_max_attempts,
        poll_seconds=settings.import_poll_seconds,
        invalidate=invalidate,
        spool_dir=settings.import_spool_dir,
    )
    try:
        if once:
            while (job := await worker.run_once()) is not None:
                done = await _fetch(engine, job.id)
                print(summary(done), file=sys.stderr)
        else:
            await worker.run_forever()
    finally:
        await close()
        await engine.dispose()


async def _fetch(engine: Any, job_id: int) -> Any:
    from ingest import jobs

    return await jobs.fetch(engine, job_id)
