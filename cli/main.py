"""`fleetgraph` command: serve, migrate, seed, token, schema, persisted, import.

Every failure the user can cause (bad sizes, unreachable database, unknown
revision) ends as one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from cli import imports
from config import Settings, get_settings

MAX_DRIVERS = 1_000_000
MAX_TRIPS_PER_DRIVER = 10_000


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range {low}..{high}")
        return value

    return parse


def _non_empty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line (`fleetgraph seed: --drivers: ...`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="fleetgraph", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    serve = commands.add_parser("serve", help="serve the GraphQL API (GraphiQL at /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_bounded_int(0, 65535), default=8000)
    serve.add_argument("--workers", type=_bounded_int(1, 64), default=1)
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="upgrade (or downgrade) the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--downgrade", action="store_true", help="downgrade to REVISION")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="load deterministic demo data")
    seed.add_argument("--drivers", type=_bounded_int(0, MAX_DRIVERS), default=1000)
    seed.add_argument("--trips-per-driver", type=_bounded_int(0, MAX_TRIPS_PER_DRIVER), default=50)
    seed.add_argument("--seed", type=_bounded_int(0, 2**31 - 1), default=42)
    seed.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    seed.add_argument("--force", action="store_true", help="replace existing data")
    seed.set_defaults(handler=_seed)

    token = commands.add_parser("token", help="mint a bearer token (HS256 JWT)")
    token.add_argument("--role", choices=["admin", "reader"], default="admin")
    token.add_argument("--subject", type=_non_empty, default="cli")
    token.add_argument("--ttl", type=_bounded_int(1, 10 * 365 * 86400), default=None)
    token.set_defaults(handler=_token)

    schema = commands.add_parser("schema", help="print the served GraphQL schema (SDL)")
    schema.set_defaults(handler=_schema)

    persisted = commands.add_parser("persisted", help="manage persisted (trusted) documents")
    persisted_commands = persisted.add_subparsers(
        dest="persisted_command", required=True, parser_class=_OneLineParser
    )
    load = persisted_commands.add_parser(
        "load", help="trust the documents of an Apollo or Relay manifest (into Redis)"
    )
    load.add_argument("file", type=Path, help="manifest JSON file")
    load.set_defaults(handler=_persisted_load)

    imports.add_commands(commands, _OneLineParser)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    from cli.serve import serve
    from persisted import ManifestError, read_manifest

    if settings.trusted_documents_file is not None:
        try:  # refuse a bad manifest here, not as a traceback in every worker
            read_manifest(settings.trusted_documents_file)
        except ManifestError as exc:
            raise CliError(f"TRUSTED_DOCUMENTS_FILE: {exc}") from exc
    serve(settings, host=args.host, port=args.port, workers=args.workers)


def _migrate(args: argparse.Namespace, settings: Settings) -> None:
    from db.migrate import MigrationError, downgrade, upgrade

    try:
        if args.downgrade:
            downgrade(settings.database_url, args.revision)
        else:
            upgrade(settings.database_url, args.revision)
    except MigrationError as exc:
        raise CliError(str(exc)) from exc
    print(f"database at revision {args.revision}", file=sys.stderr)


def _seed(args: argparse.Namespace, settings: Settings) -> None:
    from seed import SeedError, SeedPlan, seed_database

    plan = SeedPlan(drivers=args.drivers, trips_per_driver=args.trips_per_driver, seed=args.seed)
    try:
        summary = asyncio.run(
            seed_database(
                settings.database_url, plan, progress=not args.no_progress, replace=args.force
            )
        )
    except SeedError as exc:
        raise CliError(str(exc)) from exc
    print(summary.describe(), file=sys.stderr)
    _invalidate_response_cache(settings)


def _invalidate_response_cache(settings: Settings) -> None:
    """Cached answers may describe the data a seed replaced (or its absence)."""
    from cache.bulk_load import invalidate_everything
    from errors import CacheUnavailable

    try:
        dropped = asyncio.run(invalidate_everything(settings))
    except CacheUnavailable as exc:
        raise CliError(
            f"data loaded, but the response cache was not invalidated ({exc.message}); "
            "run the invalidateResponseCache mutation with everything: true"
        ) from exc
    if dropped is None:
        if settings.response_cache_enabled:
            print(
                "response cache: in-process in each server; restart running servers "
                "or run invalidateResponseCache(input: {everything: true})",
                file=sys.stderr,
            )
        return
    noun = "entry" if dropped == 1 else "entries"
    print(f"response cache: {dropped:,} {noun} dropped", file=sys.stderr)


def _token(args: argparse.Namespace, settings: Settings) -> None:
    from auth import mint_token

    ttl = args.ttl if args.ttl is not None else settings.jwt_ttl_seconds
    print(
        mint_token(
            settings.jwt_secret.get_secret_value(),
            role=args.role,
            subject=args.subject,
            ttl_seconds=ttl,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    )


def _schema(args: argparse.Namespace, settings: Settings) -> None:
    from gql.schema import print_schema_sdl

    print(print_schema_sdl())


def _persisted_load(args: argparse.Namespace, settings: Settings) -> None:
    from persisted import (
        ManifestError,
        PersistedDocuments,
        StoreUnavailable,
        create_store,
        read_manifest,
    )

    try:
        manifest = read_manifest(args.file)
    except ManifestError as exc:
        raise CliError(f"{args.file}: {exc}") from exc
    if not settings.redis_url:
        raise CliError(
            f"{args.file} holds {len(manifest)} valid documents, but REDIS_URL is unset: "
            "the in-process store lives in the server; set TRUSTED_DOCUMENTS_FILE instead"
        )

    async def load() -> int:
        documents = PersistedDocuments(create_store(settings, timeout=10.0))
        try:
            return await documents.load(manifest)
        finally:
            await documents.close()

    try:
        keys = asyncio.run(load())
    except StoreUnavailable as exc:
        raise CliError(f"cannot reach Redis: {exc.reason}") from exc
    print(f"loaded {len(manifest)} documents ({keys} keys) into Redis", file=sys.stderr)


def _reasons(exc: ValueError) -> str:
    """What is wrong with the settings, on one line, without the values given
    (pydantic's own text quotes the input, JWT_SECRET included)."""
    if not isinstance(exc, ValidationError):
        return " ".join(str(exc).strip().splitlines()[:3])
    reasons = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        message = error["msg"].removeprefix("Value error, ")
        setting = "_".join(str(part) for part in error["loc"]).upper()
        reasons.append(f"{setting}: {message}" if setting else message)
    return "; ".join(reasons)


def main(argv: Sequence[str] | None = None) -> None:
    args = _build_parser().parse_args(argv)
    try:
        settings = get_settings()
        args.handler(args, settings)
    except (CliError, imports.ImportFailed) as exc:
        print(f"fleetgraph {args.command}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except (OSError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"fleetgraph {args.command}: cannot reach the database: {reason}", file=sys.stderr)
        raise SystemExit(1) from None
    except ValueError as exc:  # pydantic ValidationError is a ValueError
        print(f"fleetgraph {args.command}: invalid settings: {_reasons(exc)}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
