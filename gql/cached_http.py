"""The GraphQL view behind the response cache (cache/view.py): the app serves this."""

from __future__ import annotations

from cache.view import ResponseCacheView
from gql.http import GraphQLApp


class CachedGraphQLApp(ResponseCacheView, GraphQLApp):
    """Hits are answered by `ResponseCacheView` before `GraphQLApp` sees the
    request; everything else goes through `GraphQLApp` (persisted queries,
    limits, either executor) with the cache's hooks around it."""
