"""The request pipeline: every GraphQL request over HTTP runs these steps, in order.

    1. persisted documents  pipeline/persisted_documents.py  hashes and ids -> texts
    2. parse and validate   pipeline/prepare.py              once per text (prepared/)
    3. response cache       pipeline/response_cache.py       a hit is answered as stored
    4. limits               pipeline/execute.py              cost, rate limit, deadline
    5. execute              pipeline/execute.py              planned, else reference
    6. shape                pipeline/shape.py                the body and headers to send

The HTTP adapters (gql/http.py, gql/fast_path.py) turn a request into a
`GraphQLRequest` before step 1, and the `Answer` or `Hit` into bytes after
step 6 (their `Reply`). Steps pass typed values; their collaborators come in
`Steps`, built once at start.
"""

from __future__ import annotations

from pipeline import fast_route
from pipeline.answers import HandOver, Hit, Reply
from pipeline.cache_flight import answer_once
from pipeline.execute import execute
from pipeline.persisted_documents import resolve
from pipeline.prepare import prepare
from pipeline.request import GraphQLRequest, Route
from pipeline.response_cache import Bypass, Cacheable, Computed
from pipeline.shape import computed
from pipeline.steps import Steps


async def run(request: GraphQLRequest, steps: Steps, reply: Reply) -> HandOver | None:
    """Answer `request` through `reply`; the fast path may get a `HandOver` back instead."""
    operations = await resolve(request, steps.persisted)  # 1
    prepared = await prepare(operations, request.batch, steps.documents)  # 2
    cache = steps.cache
    lookup = None if cache is None else await cache.look_up(request, operations, prepared)  # 3
    if isinstance(lookup, Hit):
        await reply.hit(lookup)
        return None
    state = HandOver(operations, prepared, lookup)
    if request.route is Route.FAST and not fast_route.takes(operations, prepared, lookup):
        return state
    await finish(request, state, steps, reply)  # 4 limits, 5 execute, 6 shape
    return None


async def finish(request: GraphQLRequest, state: HandOver, steps: Steps, reply: Reply) -> None:
    """Steps 4 to 6, once per cache key when the response cache stores the answer."""

    async def compute(lookup: Cacheable | Bypass | None) -> Computed:
        executed = await execute(request, state.operations, state.prepared, steps)  # 4, 5
        return computed(request.batch, executed, lookup, steps.shaping)  # 6

    if steps.cache is None or state.lookup is None:
        await reply.answer((await compute(None)).answer)
        return
    await answer_once(steps.cache, state.lookup, compute, reply)
