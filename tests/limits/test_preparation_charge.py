"""A new document's parse and validation are charged to the client that sends it, and a
client in debt is refused before anything reads or parses its request."""

from __future__ import annotations

from typing import Any

import httpx

from gql.schema import build_schema, document_cache
from limits import DocumentPolicy, RateLimiter
from prepared import PreparationCost
from tests.limits.app import app_client, codes, settings_for, token

QUERY = "{ drivers(first: 2) { nodes { id } } }"


def remaining(body: dict[str, Any]) -> int:
    value = body["extensions"]["cost"]["throttle"]["remaining"]
    assert isinstance(value, int)
    return value


async def post(http: httpx.AsyncClient, query: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": query})


def test_a_preparation_is_charged_once_and_never_free() -> None:
    cost = PreparationCost(seconds=0.0000001)
    assert cost.points(100.0) == 1  # less than a point's worth of CPU still costs 1
    assert cost.points(100.0) == 0  # the second run of the document costs nothing more
    assert PreparationCost(seconds=0.0123).points(100.0) == 1230
    assert PreparationCost(seconds=0.5).points(0.0) == 0  # charging turned off


async def test_a_new_document_costs_its_preparation_and_a_known_one_does_not(
    small_db_url: str,
) -> None:
    settings = {
        "rate_limit_bucket_size": 1_000_000,
        "rate_limit_restore_rate": 0.001,
        "rate_limit_points_per_cpu_ms": 100.0,
    }
    text = "query($n: Int!) { drivers(first: $n) { nodes { id } } }"
    async with app_client(small_db_url, **settings) as http:
        # The same text with other variables: not a response-cache hit, a known document.
        first = (await http.post("/graphql", json={"query": text, "variables": {"n": 2}})).json()
        second = (await http.post("/graphql", json={"query": text, "variables": {"n": 3}})).json()
    assert (first["extensions"]["cost"]["actual"], second["extensions"]["cost"]["actual"]) == (2, 3)
    # The second request paid its objects only; the first also its document's preparation.
    assert remaining(first) - remaining(second) == 3
    assert 1_000_000 - remaining(first) - 2 >= 1


async def test_refused_documents_are_charged_and_the_debtor_refused_before_parsing(
    small_db_url: str,
) -> None:
    settings = {
        "rate_limit_bucket_size": 1_000,
        "rate_limit_restore_rate": 1.0,  # debt paid back over minutes
        "rate_limit_points_per_cpu_ms": 1_000_000.0,  # any preparation pushes into debt
        "rate_limit_throttle_delay_seconds": 0.0,
    }
    policy = DocumentPolicy.from_settings(settings_for(small_db_url, **settings))
    documents = document_cache(build_schema(), policy)  # the app's own (one per policy)
    async with app_client(small_db_url, **settings) as http:
        broken = "{ drivers(first: 2) { nodes { id } "  # a syntax error
        refused = await post(http, broken)
        assert refused.status_code == 200
        assert codes(refused.json()) == ["GRAPHQL_PARSE_FAILED"]  # answered, and charged
        assert documents.peek(broken) is not None  # the app's document cache, this one
        prepared = len(documents)
        for text in (QUERY, "{ activeSeason { id } }"):  # known or new: not even parsed
            throttled = await post(http, text)
            assert throttled.status_code == 429
            assert codes(throttled.json()) == ["THROTTLED"]
            assert int(throttled.headers["retry-after"]) >= 60
        assert len(documents) == prepared
        spoofed = await http.post(  # the header is not believed: the same address
            "/graphql", json={"query": QUERY}, headers={"x-forwarded-for": "10.9.9.9"}
        )
        assert spoofed.status_code == 429
        other = await http.post(  # another client has its own bucket (a known document)
            "/graphql", json={"query": broken}, headers={"authorization": f"Bearer {token('b')}"}
        )
        assert other.status_code == 200
        assert codes(other.json()) == ["GRAPHQL_PARSE_FAILED"]


async def test_the_limiter_remembers_debtors_until_their_debt_is_paid() -> None:
    limiter = RateLimiter(capacity=10, rate=1_000.0)
    assert not limiter.has_debtors
    await limiter.take("ip:a", 10)
    assert limiter.debt_seconds("ip:a") == 0.0  # empty is not in debt
    outcome = await limiter.take("ip:a", 5, force=True)
    assert outcome.remaining < 0
    assert limiter.has_debtors
    assert 0.0 < limiter.debt_seconds("ip:a") <= 0.005
    assert limiter.debt_seconds("ip:b") == 0.0
    await limiter.take("ip:a", -100)  # a refund clears the debt at once
    assert limiter.debt_seconds("ip:a") == 0.0
    assert not limiter.has_debtors


async def test_anonymous_clients_refill_at_their_own_rate(small_db_url: str) -> None:
    settings = {
        "rate_limit_restore_rate": 2_000.0,
        "rate_limit_anonymous_restore_rate": 50.0,
        "rate_limit_anonymous_bucket_size": 10_000,
    }
    async with app_client(small_db_url, **settings) as http:
        anonymous = (await post(http, QUERY)).json()
        keyed = await http.post(  # another text: not a response-cache hit
            "/graphql",
            json={"query": QUERY.replace("id", "id name")},
            headers={"authorization": f"Bearer {token('k')}"},
        )
    assert anonymous["extensions"]["cost"]["throttle"]["restoreRate"] == 50.0
    assert anonymous["extensions"]["cost"]["throttle"]["max"] == 10_000
    assert keyed.json()["extensions"]["cost"]["throttle"]["restoreRate"] == 2_000.0
    assert keyed.json()["extensions"]["cost"]["throttle"]["max"] == 20_000
    limiter = RateLimiter(10, 100.0, anonymous=RateLimiter(10, 1.0))
    await limiter.take("ip:a", 10)
    await limiter.take("sub:a", 10)
    assert limiter.debt_seconds("ip:a") == 0.0
    await limiter.take("ip:a", 5, force=True)
    assert 4.0 < limiter.debt_seconds("ip:a") <= 5.0  # 5 points owed at 1 point/s
    await limiter.take("sub:a", 5, force=True)
    assert 0.0 < limiter.debt_seconds("sub:a") <= 0.05  # 5 points at 100/s
