"""GraphiQL's page and assets as the app serves them: from the package, at
content-hashed URLs with year-long immutable caching, in development only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gql.graphiql.assets import IMMUTABLE, STATIC, assets
from gql.graphiql.page import CONTENT_SECURITY_POLICY
from tests.gql.client import serving

# The subresource-integrity hashes Strawberry's CDN page pins for these files
# (and gql/graphiql/fetch-assets.sh checks): the package serves the same bytes.
UPSTREAM = {
    "react@18.2.0/react.production.min.js": (
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"
    ),
    "react-dom@18.2.0/react-dom.production.min.js": (
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"
    ),
    "graphiql@3.8.3/graphiql.min.js": (
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"
    ),
    "graphiql@3.8.3/graphiql.min.css": (
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM"
    ),
    "graphiql-plugin-explorer@1.0.2/index.umd.js": (
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"
    ),
    "graphiql-plugin-explorer@1.0.2/style.css": (
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi"
    ),
}
PAGE = {"accept": "text/html"}


def test_the_packaged_files_are_the_published_ones() -> None:
    served = assets()
    assert {name: served[name].integrity for name in UPSTREAM} == UPSTREAM


def test_every_package_has_its_license_beside_it() -> None:
    folders = {name.split("/")[0] for name in assets()}
    for folder in folders:
        assert list((STATIC / folder).glob("LICENSE*")), folder


async def test_the_page_loads_everything_from_the_app(sqlite_seeded: str) -> None:
    async with serving(sqlite_seeded) as client:
        page = await client.http.get("/graphql", headers=PAGE)
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert "<script>" not in page.text and "<style>" not in page.text  # nothing inline
        assert sorted(sources) == sorted(["data:,", *(a.url for a in assets().values())])
        for asset in assets().values():
            assert f'integrity="{asset.integrity}"' in page.text
            response = await client.http.get(asset.url)
            assert response.status_code == 200, asset.url
            assert response.headers["cache-control"] == IMMUTABLE
            # Compressed when the client accepts it (httpx does), with an ETag per coding.
            coding = response.headers.get("content-encoding")
            etag = asset.etag if coding is None else f'{asset.etag[:-1]}-{coding}"'
            assert response.headers["etag"] == etag
            assert response.headers["content-type"].startswith(asset.media_type)
            assert response.content == asset.path.read_bytes()


async def test_only_listed_files_are_served(sqlite_seeded: str) -> None:
    some = next(iter(assets().values()))
    digest = some.url.split("/")[2]
    async with serving(sqlite_seeded) as client:
        for path in (
            f"/graphiql/{digest}/other.js",
            f"/graphiql/{'0' * 16}/{some.path.name}",
            f"/graphiql/{digest}/..%2F..%2F..%2Fpage.py",
            "/graphiql/fleetgraph/page.js",
        ):
            assert (await client.http.get(path)).status_code == 404, path


async def test_no_page_and_no_assets_in_production(sqlite_seeded: str) -> None:
    async with serving(sqlite_seeded, environment="production") as client:
        assert (await client.http.get("/graphql", headers=PAGE)).status_code == 404
        for asset in assets().values():
            assert (await client.http.get(asset.url)).status_code == 404


@pytest.fixture(scope="module")
def sqlite_seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.limits.app import seed_sqlite

    directory: Path = tmp_path_factory.mktemp("graphiql")
    return seed_sqlite(directory)
