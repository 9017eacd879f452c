"""The ceiling: a bare Starlette endpoint that answers every POST with a fixed JSON body.

    .venv/bin/python -m uvicorn --app-dir bench ceiling_app:app \
        --loop uvloop --http httptools --workers 1 --no-access-log

bench/run.py serves it on the same machine, with the same uvicorn settings as
`fleetgraph serve`, and drives it with wrk exactly like the GraphQL operations
(POST /graphql with a JSON body). Its req/s is the most this stack can do per
worker, so every GraphQL figure is reported as a ratio to it.

The body (~5 KB) is shaped like a real answer (a page of drivers) and built
once at import: the endpoint reads the request body and sends bytes, nothing
else.
"""

from __future__ import annotations

import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY_BYTES = 5 * 1024
REGIONS = ("north", "south", "east", "west", "central", "coast", "mountain", "valley")
MAKES = (("Volvo", "FH16"), ("Scania", "R500"), ("MAN", "TGX"), ("DAF", "XF"))


def _node(n: int) -> dict[str, object]:
    make, model = MAKES[n % len(MAKES)]
    return {
        "id": f"RHJpdmVyOj{n:05d}",
        "name": f"Driver {n:05d}",
        "region": REGIONS[n % len(REGIONS)],
        "vehicle": {"make": make, "model": model, "plate": f"FG-{n:05d}"},
        "riskScore": {"score": round(17.5 + n % 60, 1), "level": "LOW"},
    }


def build_body(size: int = BODY_BYTES) -> bytes:
    """A drivers page padded to `size` bytes (exactly) of compact JSON."""
    nodes: list[dict[str, object]] = []
    page: dict[str, object] = {
        "pageInfo": {"hasNextPage": True, "endCursor": ""},
        "nodes": nodes,
    }
    document = {"data": {"drivers": page}}
    while True:
        nodes.append(_node(len(nodes) + 1))
        body = json.dumps(document, separators=(",", ":")).encode()
        if len(body) >= size:
            nodes.pop()
            break
    body = json.dumps(document, separators=(",", ":")).encode()
    # The cursor soaks up the remainder, so the body is exactly `size` bytes.
    page["pageInfo"] = {"hasNextPage": True, "endCursor": "x" * (size - len(body))}
    return json.dumps(document, separators=(",", ":")).encode()


# CEILING_BODY_BYTES: a body of another size (bench/cache_bench.py measures a
# ceiling of the size of each cached answer too).
BODY = build_body(int(os.environ.get("CEILING_BODY_BYTES") or BODY_BYTES))


async def endpoint(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json")


async def health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


app = Starlette(
    routes=[
        Route("/graphql", endpoint, methods=["GET", "POST"]),
        Route("/health", health),
    ]
)
