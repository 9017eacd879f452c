"""Step 2: the document parsed and validated, once per text (prepared/).

Only a single operation's document is prepared here, before the response
cache reads its key and selections; a batch's are prepared by the limits
guard, operation by operation. Large new texts are prepared off the event loop.
"""

from __future__ import annotations

from pipeline.request import Operation
from prepared import DocumentCache, PreparedDocument


async def prepare(
    operations: tuple[Operation, ...], batch: bool, documents: DocumentCache
) -> PreparedDocument | None:
    """The single operation's prepared document; None for a batch or no text."""
    if batch:
        return None
    text = operations[0].query
    return await documents.prepare_async(text) if text else None
