"""importTrips, importJob and importJobs against a real `fleetgraph serve` over a socket.

The upload is sent as the GraphQL multipart request spec says (what Apollo's
and urql's upload clients send): an `operations` field, a `map` field and
the file parts. The server's own import worker runs the job; the response
cache of the server (in-process) is invalidated by it, so a cached
leaderboard changes once the import is done.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth import mint_token
from tests.faults.servers import spare_port
from tests.ingest.files import drivers, season_start, trips
from tests.mutations.database import scalar

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "ingest-graphql-tests-secret-0123456789abcdef"
Json = dict[str, Any]

IMPORT_TRIPS = """
mutation Import($file: Upload!, $format: ImportFormat) {
  importTrips(file: $file, format: $format) {
    job { id status fileName }
    userErrors { field code message }
  }
}
"""
JOB = """
query Job($id: ID!) {
  importJob(id: $id) {
    id status format rowsRead rowsImported rowsDuplicate rowsRejected attempts error
    rejections { line code message field }
    createdAt startedAt finishedAt
  }
}
"""
JOBS = """
query Jobs($first: Int, $after: String) {
  importJobs(first: $first, after: $after) {
    totalCount
    nodes { id fileName status }
    pageInfo { hasNextPage endCursor }
  }
}
"""
LEADERBOARD = """
query Board($season: ID!) {
  leaderboard(seasonId: $season, metric: TRIPS, first: 50) { nodes { driver { id } value } }
}
"""


def _headers(role: str | None) -> dict[str, str]:
    return {} if role is None else {"Authorization": f"Bearer {mint_token(SECRET, role=role)}"}


@pytest.fixture(scope="module")
def spool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spool")


@pytest.fixture(scope="module")
def server(db_url: str, spool: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("serve")
    port = spare_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPORT_", "REDIS_"))}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        DATABASE_URL=db_url,
        JWT_SECRET=SECRET,
        SEED_ON_EMPTY="false",
        LOG_LEVEL="warning",
        LOG_REQUESTS="false",
        IMPORT_POLL_SECONDS="0.1",
        IMPORT_BATCH_ROWS="10",
        IMPORT_SPOOL_DIR=str(spool),
    )
    log = directory / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=directory,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start:\n" + log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def client(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server, timeout=30) as found:
        yield found


async def _query(
    client: httpx.AsyncClient, query: str, role: str | None = "admin", **variables: Any
) -> Json:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_headers(role)
    )
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


async def _upload(
    client: httpx.AsyncClient, name: str, body: bytes, role: str | None = "admin", **variables: Any
) -> httpx.Response:
    """The multipart request spec: operations (file: null), map, then the file part."""
    operations = {"query": IMPORT_TRIPS, "variables": {"file": None, **variables}}
    return await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, body, "application/octet-stream")},
        headers=_headers(role),
    )


async def _finished(client: httpx.AsyncClient, job_id: str) -> Json:
    deadline = time.monotonic() + 60
    while True:
        body = await _query(client, JOB, id=job_id)
        assert "errors" not in body, body["errors"]
        job: Json = body["data"]["importJob"]
        if job["status"] not in ("QUEUED", "RUNNING"):
            return job
        assert time.monotonic() < deadline, job
        await asyncio.sleep(0.1)


def _ndjson(made: list[Json]) -> bytes:
    return "".join(json.dumps(trip) + "\n" for trip in made).encode()


async def test_an_upload_becomes_a_job_that_runs_in_the_background(
    client: httpx.AsyncClient, engine: AsyncEngine, spool: Path
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 35)
    body = _ndjson(made) + b"{broken\n"

    response = await _upload(client, "trips.ndjson.gz", gzip.compress(body))

    assert response.status_code == 200, response.text
    payload = response.json()["data"]["importTrips"]
    assert payload["userErrors"] == [] and payload["job"]["fileName"] == "trips.ndjson.gz"
    job = await _finished(client, payload["job"]["id"])
    assert job["status"] == "PARTIAL" and job["format"] == "NDJSON"
    assert (job["rowsRead"], job["rowsImported"], job["rowsRejected"]) == (36, 35, 1)
    assert job["rejections"] == [
        {"line": 36, "code": "MALFORMED", "message": "not valid JSON (or not UTF-8)", "field": None}
    ]
    assert job["startedAt"] and job["finishedAt"] and job["attempts"] == 1
    # The upload is deleted once its job ended (just after the job says so).
    deadline = time.monotonic() + 10
    while await asyncio.to_thread(os.listdir, spool):
        assert time.monotonic() < deadline, os.listdir(spool)
        await asyncio.sleep(0.05)
    imported = await scalar(
        engine, "SELECT COUNT(*) FROM trips WHERE external_id = :key", key=made[-1]["externalId"]
    )
    assert imported == 1


async def test_jobs_are_listed_newest_first_with_a_total(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    made = trips(await drivers(engine), await season_start(engine), 3)
    ids = []
    for n in range(3):
        response = await _upload(client, f"list-{n}.ndjson", _ndjson(made), format="NDJSON")
        ids.append(response.json()["data"]["importTrips"]["job"]["id"])
    for job_id in ids:
        await _finished(client, job_id)

    first = (await _query(client, JOBS, first=2))["data"]["importJobs"]
    rest = (await _query(client, JOBS, first=2, after=first["pageInfo"]["endCursor"]))["data"]
    total = await scalar(engine, "SELECT COUNT(*) FROM import_jobs")

    assert first["totalCount"] == total >= 3
    assert [node["id"] for node in first["nodes"]] == [ids[2], ids[1]]
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["importJobs"]["nodes"][0]["id"] == ids[0]


async def test_only_admins_import_or_see_jobs(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await scalar(engine, "SELECT COUNT(*) FROM import_jobs")
    for role, code in ((None, "UNAUTHENTICATED"), ("reader", "FORBIDDEN")):
        response = await _upload(client, "x.ndjson", b"{}\n", role=role)
        assert response.status_code == 200, response.text
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
        listed = await _query(client, JOBS, role=role, first=1)
        assert [e["extensions"]["code"] for e in listed["errors"]] == [code]
        one = await _query(client, JOB, role=role, id="SW1wb3J0Sm9iOjE=")
        assert [e["extensions"]["code"] for e in one["errors"]] == [code]
    assert await scalar(engine, "SELECT COUNT(*) FROM import_jobs") == before


async def test_a_cached_leaderboard_changes_after_an_import(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    people = await drivers(engine)
    start = await season_start(engine)
    season = await scalar(engine, "SELECT MAX(id) FROM seasons")
    from global_ids import encode_id

    board_id = encode_id("Season", season)
    await _query(client, LEADERBOARD, season=board_id)
    cached = await _query(client, LEADERBOARD, season=board_id)
    assert cached["extensions"]["cache"]["status"] == "hit"
    before = {n["driver"]["id"]: n["value"] for n in cached["data"]["leaderboard"]["nodes"]}

    made = trips(people[:1], start, 4)
    response = await _upload(client, "board.ndjson", _ndjson(made))
    job = await _finished(client, response.json()["data"]["importTrips"]["job"]["id"])
    assert job["rowsImported"] == 4

    after = await _query(client, LEADERBOARD, season=board_id)
    assert after["extensions"]["cache"]["status"] != "hit"
    values = {n["driver"]["id"]: n["value"] for n in after["data"]["leaderboard"]["nodes"]}
    driver = encode_id("Driver", people[0].id)
    assert values[driver] == before.get(driver, 0) + 4


async def test_a_file_that_is_not_an_upload_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await scalar(engine, "SELECT COUNT(*) FROM import_jobs")
    body = await _query(client, IMPORT_TRIPS, file="trips.ndjson")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "multipart" in body["errors"][0]["message"]
    assert await scalar(engine, "SELECT COUNT(*) FROM import_jobs") == before
