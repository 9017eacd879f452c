"""Hits and misses, scopes, HTTP caching headers: on both backends."""

from __future__ import annotations

import orjson

from tests.cache.client import ADMIN, CacheClient, bearer, status

DRIVERS = "query Drivers { drivers(first: 3) { nodes { id name region } } }"
EMAILS = "query Emails { drivers(first: 3) { nodes { id name email } } }"
SEASON = "{ seasons(first: 2) { nodes { id name } } }"
LEADERBOARD = "{ leaderboard(first: 3) { nodes { rank driver { id name } } } }"


async def test_second_request_is_a_hit_with_the_same_bytes(client: CacheClient) -> None:
    miss = await client.post(DRIVERS)
    hit = await client.post(DRIVERS)
    assert (status(miss), status(hit)) == ("miss", "hit")
    # The data is the same bytes; only extensions.cache says how it was answered.
    assert miss.content.split(b',"extensions"')[0] == hit.content.split(b',"extensions"')[0]
    assert hit.json()["extensions"]["cache"] == {"status": "hit", "scope": "PUBLIC", "maxAge": 60}


async def test_variables_and_operation_names_are_part_of_the_key(client: CacheClient) -> None:
    query = "query D($n: Int) { drivers(first: $n) { nodes { id } } }"
    assert status(await client.post(query, {"n": 1})) == "miss"
    assert status(await client.post(query, {"n": 2})) == "miss"
    assert status(await client.post(query, {"n": 1})) == "hit"
    two = "query A { activeSeason { id } } query B { activeSeason { name } }"
    assert status(await client.post(two, operation_name="A")) == "miss"
    assert status(await client.post(two, operation_name="B")) == "miss"


async def test_admin_emails_are_never_served_to_anonymous(client: CacheClient) -> None:
    admin = await client.post(EMAILS, headers=ADMIN)
    assert admin.json()["extensions"]["cache"]["scope"] == "PRIVATE"
    assert all(d["email"] for d in admin.json()["data"]["drivers"]["nodes"])
    anonymous = await client.post(EMAILS)
    assert status(anonymous) == "miss"
    assert all(d["email"] is None for d in anonymous.json()["data"]["drivers"]["nodes"])
    # ...and the anonymous entry is not served to the admin either.
    assert status(await client.post(EMAILS, headers=ADMIN)) == "hit"
    again = await client.post(EMAILS)
    assert status(again) == "hit"
    assert all(d["email"] is None for d in again.json()["data"]["drivers"]["nodes"])
    # Another admin (another subject) has a scope of its own.
    assert status(await client.post(EMAILS, headers=bearer("admin", "someone-else"))) == "miss"


async def test_public_responses_are_shared_across_viewers(client: CacheClient) -> None:
    assert status(await client.post(DRIVERS, headers=ADMIN)) == "miss"
    assert status(await client.post(DRIVERS)) == "hit"


async def test_cache_control_follows_the_hints(client: CacheClient) -> None:
    seasons = await client.post(SEASON)
    assert seasons.headers["cache-control"] == "public, max-age=3600"
    leaderboard = await client.post(LEADERBOARD)
    assert leaderboard.headers["cache-control"] == "public, max-age=10"
    emails = await client.post(EMAILS, headers=ADMIN)
    assert emails.headers["cache-control"] == "private, max-age=60"
    plain = await client.post(DRIVERS)
    assert plain.headers["cache-control"] == "public, max-age=60"
    hit = await client.post(SEASON)
    assert status(hit) == "hit"
    assert hit.headers["cache-control"] in ("public, max-age=3600", "public, max-age=3599")


async def test_mutations_introspection_and_errors_are_not_cached(client: CacheClient) -> None:
    mutation = 'mutation { deleteTrip(id: "VHJpcDo5OTk5OQ==") { deletedId } }'
    response = await client.post(mutation, headers=ADMIN)
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["extensions"]["cache"]["status"] == "bypass"
    introspection = "{ __schema { queryType { name } } }"
    await client.post(introspection)
    assert status(await client.post(introspection)) == "bypass"
    failing = '{ driver(id: "not-an-id") { id } }'
    first = await client.post(failing)
    assert first.headers["cache-control"] == "no-store"
    assert status(first) == status(await client.post(failing)) == "miss"


async def test_get_carries_an_etag_and_answers_if_none_match(client: CacheClient) -> None:
    params = {"query": DRIVERS, "operationName": "Drivers"}
    first = await client.http.get("/graphql", params=params)
    assert first.status_code == 200
    etag = first.headers["etag"]
    second = await client.http.get("/graphql", params=params)
    assert status(second) == "hit"
    assert second.headers["etag"] == etag
    revalidated = await client.http.get("/graphql", params=params, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["cache-control"].startswith("public, max-age=")
    other = await client.http.get("/graphql", params=params, headers={"If-None-Match": 'W/"x"'})
    assert other.status_code == 200
    assert orjson.loads(other.content)["data"] == first.json()["data"]
