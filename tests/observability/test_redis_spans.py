"""Redis calls (response cache, persisted queries) each get a span with hit/miss."""

from __future__ import annotations

import hashlib
import uuid

from opentelemetry.trace import SpanKind

from tests.observability.app import traced_app
from tests.services import require_redis

QUERY = "query RedisSpans { seasons(first: 1) { nodes { name } } }"


async def test_response_cache_and_apq_calls_are_spans(seeded_db_url: str) -> None:
    prefix = f"fleetgraph:test:{uuid.uuid4().hex}:"
    overrides = {
        "redis_url": require_redis(),
        "response_cache_enabled": True,
        "response_cache_key_prefix": prefix + "rc:",
        "persisted_queries_key_prefix": prefix + "pq:",
    }
    sha = hashlib.sha256(QUERY.encode()).hexdigest()
    apq = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    async with traced_app(seeded_db_url, **overrides) as app:
        await app.post(QUERY, body=apq)  # registers the document, misses the cache
        app.exporter.clear()
        hit = await app.http.post("/graphql", json=apq)  # APQ hit, response cache hit
        assert hit.status_code == 200 and "errors" not in hit.json()

    server = app.one("POST /graphql")
    redis = [s for s in app.spans() if s.name.startswith("redis ")]
    assert redis, [s.name for s in app.spans()]
    for span in redis:
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None and span.context.trace_id == server.context.trace_id
        assert dict(span.attributes or {})["db.system"] == "redis"
    gets = [dict(s.attributes or {}) for s in redis if s.name == "redis GET"]
    assert any(a.get("cache.hit") is True for a in gets)  # the APQ document was found
    assert dict(server.attributes or {})["graphql.persisted_query"] == "hit"
