"""Step 1: each operation's text, as sent or from the persisted-document store.

An APQ hash or a `documentId` is replaced by the text it names; an APQ request
that sends its text with its hash is marked `registers` (stored only once the
limits admitted it and it ran: pipeline/execute.py). Refusals raise
`PersistedQueryError`, which the adapters answer with its own status and body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from observability.operation import note_operation
from persisted import PersistedDocuments
from pipeline.request import GraphQLRequest, Operation


async def resolve(request: GraphQLRequest, documents: PersistedDocuments) -> tuple[Operation, ...]:
    """The request's operations with the texts to run."""
    # Only an admin bypass of trusted mode needs the viewer.
    is_admin = documents.allow_admin_bypass and request.viewer.is_admin
    if request.batch:
        return tuple([await _resolve(documents, item, is_admin) for item in request.operations])
    sent = request.operations
    item = sent[0]
    if item.extensions is not None or item.document_id is not None or not documents.runs_any_text:
        item = await _resolve(documents, item, is_admin)
    # else a text with no persisted-query fields, where any text runs: as sent
    note_operation(item.query, item.operation_name)  # named even when the cache answers
    return sent if item is sent[0] else (item,)


async def _resolve(documents: PersistedDocuments, item: Operation, is_admin: bool) -> Operation:
    query = await documents.resolve(
        query=item.query,
        extensions=item.extensions,
        document_id=item.document_id,
        is_admin=is_admin,
    )
    if documents.registers(item.query, item.extensions):
        return dataclasses.replace(item, registers=True)
    return item if query is item.query else dataclasses.replace(item, query=query)


async def register_admitted(documents: PersistedDocuments, admitted: Sequence[Operation]) -> None:
    """Store the texts of admitted operations that came with their APQ hash.

    Only after the limits admitted the operation (a document that parses and
    validates within the limits, its cost taken from the client's bucket) and
    it ran: a text that is not a valid document, or a registration the rate
    limit refused, stores nothing, and registering costs what running costs.
    """
    for item in admitted:
        if item.registers and item.query is not None:
            await documents.register(item.query, item.extensions)
