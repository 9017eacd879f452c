"""APQ registrations: stored once the operation is admitted, never before.

A request carrying its text with `extensions.persistedQuery` registers that
text under its hash (Apollo's second try after PERSISTED_QUERY_NOT_FOUND).
`parse_http_body` marks it as a `RegisteringRequest`; the view writes the
store only after the limits guard admitted it like any other operation (a
document that parses and validates within the token and other limits, its
cost taken from the client's bucket) and it ran. So a text that is not a
valid document, or a registration the rate limit refused, stores nothing,
and registering costs what running the operation costs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from strawberry.http import GraphQLRequestData

from persisted import PersistedDocuments


@dataclasses.dataclass
class RegisteringRequest(GraphQLRequestData):
    """A request whose text was sent with its APQ hash: registered once admitted."""


def registering(data: GraphQLRequestData) -> RegisteringRequest:
    return RegisteringRequest(
        **{f.name: getattr(data, f.name) for f in dataclasses.fields(GraphQLRequestData)}
    )


async def register_admitted(
    documents: PersistedDocuments, admitted: Sequence[GraphQLRequestData]
) -> None:
    """Register the admitted requests that carried their text with its hash."""
    for item in admitted:
        if isinstance(item, RegisteringRequest) and item.query is not None:
            await documents.register(item.query, item.extensions)
