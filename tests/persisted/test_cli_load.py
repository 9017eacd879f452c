"""`fleetgraph persisted load FILE` as a user runs it, then the app serving what it loaded."""

from __future__ import annotations

from pathlib import Path

import orjson

from persisted import RedisStore, sha256_hex
from tests.cli.test_cli import assert_one_line_failure, run_cli
from tests.persisted.client import QUERY, assert_ran, code_of, hash_only, serving, settings_for
from tests.services import redis_url

OTHER = "query Other { activeSeason { name } }"


def write_apollo(path: Path) -> Path:
    operation = {"id": sha256_hex(QUERY), "name": "ActiveSeason", "type": "query", "body": QUERY}
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [operation],
    }
    path.write_bytes(orjson.dumps(manifest))
    return path


async def test_load_apollo_manifest_then_serve_trusted(
    tmp_path: Path, seeded_db_url: str, redis_store: RedisStore, redis_prefix: str
) -> None:
    manifest = write_apollo(tmp_path / "manifest.json")
    result = run_cli(
        tmp_path,
        "persisted",
        "load",
        str(manifest),
        REDIS_URL=redis_url(),
        PERSISTED_QUERIES_KEY_PREFIX=redis_prefix,
    )
    assert result.returncode == 0, result.stderr
    assert "loaded 1 documents" in result.stderr
    assert await redis_store.get(f"trusted:{sha256_hex(QUERY)}") == QUERY

    settings = settings_for(
        seeded_db_url,
        redis_url=redis_url(),
        persisted_queries="trusted",
        persisted_queries_key_prefix=redis_prefix,
    )
    async with serving(settings) as http:
        assert_ran(await http.post("/graphql", json=hash_only()))
        refused = await http.post("/graphql", json={"query": OTHER})
        assert code_of(refused) == "PERSISTED_QUERY_NOT_ALLOWED"


async def test_load_relay_map(tmp_path: Path, redis_store: RedisStore, redis_prefix: str) -> None:
    manifest = tmp_path / "relay.json"
    manifest.write_bytes(orjson.dumps({"relay-1": QUERY, "relay-2": OTHER}))
    result = run_cli(
        tmp_path,
        "persisted",
        "load",
        str(manifest),
        REDIS_URL=redis_url(),
        PERSISTED_QUERIES_KEY_PREFIX=redis_prefix,
    )
    assert result.returncode == 0, result.stderr
    assert await redis_store.get("trusted:relay-1") == QUERY
    assert await redis_store.get("trusted:relay-2") == OTHER
    assert await redis_store.get(f"trusted:{sha256_hex(OTHER)}") == OTHER


def test_bad_manifest_is_one_line(tmp_path: Path) -> None:
    manifest = tmp_path / "bad.json"
    manifest.write_text('{"format": "apollo-persisted-query-manifest", "version": 9}')
    line = assert_one_line_failure(
        run_cli(tmp_path, "persisted", "load", str(manifest), REDIS_URL=redis_url())
    )
    assert "unsupported manifest version" in line


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    line = assert_one_line_failure(
        run_cli(tmp_path, "persisted", "load", str(tmp_path / "nope.json"), REDIS_URL=redis_url())
    )
    assert "cannot read" in line


def test_without_redis_points_at_trusted_documents_file(tmp_path: Path) -> None:
    manifest = write_apollo(tmp_path / "manifest.json")
    line = assert_one_line_failure(run_cli(tmp_path, "persisted", "load", str(manifest)))
    assert "TRUSTED_DOCUMENTS_FILE" in line


def test_unreachable_redis_is_one_line(tmp_path: Path) -> None:
    manifest = write_apollo(tmp_path / "manifest.json")
    line = assert_one_line_failure(
        run_cli(tmp_path, "persisted", "load", str(manifest), REDIS_URL="redis://127.0.0.1:1/0")
    )
    assert "cannot reach Redis" in line


def test_serve_refuses_a_bad_trusted_documents_file(tmp_path: Path) -> None:
    manifest = tmp_path / "bad.json"
    manifest.write_text("[]")
    line = assert_one_line_failure(
        run_cli(tmp_path, "serve", "--port", "1", TRUSTED_DOCUMENTS_FILE=str(manifest))
    )
    assert "TRUSTED_DOCUMENTS_FILE" in line
