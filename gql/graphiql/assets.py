"""GraphiQL's browser assets: files in `static/`, served at content-hashed URLs.

Each file is served at `/graphiql/<first 16 hex digits of its sha256>/<name>`,
so its URL changes whenever its bytes do and a browser (or a proxy) may keep
it for a year without asking again (`immutable`). The page names each with
its subresource-integrity hash as well. Only the files listed here are
served: a URL is looked up in a fixed table, never mapped onto the disk.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

STATIC = Path(__file__).parent / "static"
URL_PREFIX = "/graphiql/"
ROUTE = URL_PREFIX + "{digest}/{name}"
IMMUTABLE = "public, max-age=31536000, immutable"

# In the order the page loads them (react before react-dom before GraphiQL ...).
SCRIPTS = (
    "react@18.2.0/react.production.min.js",
    "react-dom@18.2.0/react-dom.production.min.js",
    "graphiql@3.8.3/graphiql.min.js",
    "graphiql-plugin-explorer@1.0.2/index.umd.js",
    "fleetgraph/page.js",
)
STYLES = (
    "graphiql@3.8.3/graphiql.min.css",
    "graphiql-plugin-explorer@1.0.2/style.css",
    "fleetgraph/page.css",
)
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True, slots=True)
class Asset:
    path: Path
    url: str
    integrity: str  # `sha384-...`, as the page's `integrity` attribute
    etag: str
    media_type: str


def _asset(relative: str) -> Asset:
    path = STATIC / relative
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:16]
    sri = base64.b64encode(hashlib.sha384(content).digest()).decode()
    return Asset(
        path=path,
        url=f"{URL_PREFIX}{digest}/{path.name}",
        integrity=f"sha384-{sri}",
        etag=f'"{digest}"',
        media_type=_MEDIA_TYPES[path.suffix],
    )


@cache  # read once per process (~4 MB hashed, a few milliseconds), on the first page
def assets() -> dict[str, Asset]:
    """Every served asset, by its path under `static/`."""
    return {relative: _asset(relative) for relative in (*SCRIPTS, *STYLES)}


@cache
def _by_url() -> dict[str, Asset]:
    return {asset.url: asset for asset in assets().values()}


async def serve_asset(request: Request) -> Response:
    asset = _by_url().get(request.url.path)
    if asset is None:
        return PlainTextResponse("Not Found", status_code=404)
    headers = {
        "cache-control": IMMUTABLE,
        "etag": asset.etag,
        "x-content-type-options": "nosniff",
    }
    return FileResponse(asset.path, media_type=asset.media_type, headers=headers)
