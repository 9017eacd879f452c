"""GraphiQL served from this package's own assets (no CDN): see README.md here."""

from gql.graphiql.assets import ROUTE, serve_asset
from gql.graphiql.page import enabled, graphiql_page

__all__ = ["ROUTE", "enabled", "graphiql_page", "serve_asset"]
