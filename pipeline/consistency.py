"""Read replicas in the pipeline: which server a request reads from, and the
consistency token a mutation's response carries (replicas/, decision 0034d).

A query is read from a ready replica; with a `Consistency-Token` header, from one
that has replayed past it (or the primary). Anything else (a mutation, whose
resolvers read what they wrote; a batch; an unknown operation) reads from the
primary. After a mutation, the primary's WAL position is the token, in the
`Consistency-Token` header and `extensions.consistency.token` of each result.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pipeline.fast_route import is_query
from replicas import ROUTE, ReplicaRouter, parse_token, token_of
from replicas.router import FAILED

if TYPE_CHECKING:
    from strawberry.types import ExecutionResult

    from pipeline.request import GraphQLRequest
    from prepared import PreparedDocument

logger = logging.getLogger("fleetgraph.replicas")

HEADER = "consistency-token"


async def choose_route(
    router: ReplicaRouter, request: GraphQLRequest, prepared: PreparedDocument | None
) -> bool:
    """Set this request's read route; True when it may write (reads on the primary,
    and its response gets a token)."""
    item = request.operations[0]
    if request.batch:  # its operations are not prepared yet: any may write
        ROUTE.set(router.primary_route)
        return True
    if prepared is None or not prepared.is_valid:
        ROUTE.set(router.primary_route)  # refused before any read: nothing is written
        return False
    if not is_query(prepared, item.operation_name):
        ROUTE.set(router.primary_route)
        return True
    sent = request.http.headers.get(HEADER) if request.http is not None else None
    if sent is None:
        ROUTE.set(router.reads())
        return False
    wal = parse_token(sent)
    ROUTE.set(router.primary_route if wal is None else await router.after(wal))
    return False


async def primary_position(router: ReplicaRouter) -> int | None:
    """The primary's WAL position after the request's commits (None: unknown, no token)."""
    try:
        return await router.primary_wal()
    except FAILED as error:
        logger.warning("no consistency token: the primary's position is unknown (%r)", error)
        return None


def attach_token(results: list[ExecutionResult], headers: dict[str, str], wal: int) -> None:
    token = token_of(wal)
    headers[HEADER] = token
    for result in results:
        result.extensions = {**(result.extensions or {}), "consistency": {"token": token}}
