"""The GraphiQL page: Strawberry's, with every asset from this package.

Served where Strawberry serves its IDE (a browser's GET of /graphql) and
only in development. The page has no inline script or style, so its
Content-Security-Policy allows nothing but this origin (and `data:` URLs,
which GraphiQL's stylesheet uses for its fonts and icons).
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from string import Template

from starlette.responses import HTMLResponse

from config import Settings
from config.settings import Environment
from gql.graphiql.assets import SCRIPTS, STYLES, assets

_TEMPLATE = Path(__file__).with_name("page.html")
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # GraphiQL and CodeMirror set `style` attributes as they lay out the editors.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",  # /graphql, and its WebSocket for subscriptions
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def enabled(settings: Settings) -> bool:
    """GraphiQL (the page and its assets) is served in development only."""
    return settings.environment == Environment.DEVELOPMENT


@cache
def _html() -> str:
    served = assets()
    styles = [
        f'    <link rel="stylesheet" href="{escape(served[name].url)}"'
        f' integrity="{served[name].integrity}" />'
        for name in STYLES
    ]
    scripts = [
        f'    <script src="{escape(served[name].url)}" integrity="{served[name].integrity}">'
        "</script>"
        for name in SCRIPTS
    ]
    template = Template(_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(styles="\n".join(styles), scripts="\n".join(scripts))


def graphiql_page() -> HTMLResponse:
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "cache-control": "no-cache",  # small; names the assets, whose URLs change
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }
    return HTMLResponse(_html(), headers=headers)
