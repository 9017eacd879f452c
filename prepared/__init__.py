"""Parsed and validated documents, cached per process and shared by every path."""

from prepared.cache import DEFAULT_MAX_BYTES, DEFAULT_MAX_DOCUMENTS, DocumentCache
from prepared.document import PreparedDocument
from prepared.memo import Memo, OperationMemo
from prepared.preparation_cost import PreparationCost

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DOCUMENTS",
    "DocumentCache",
    "Memo",
    "OperationMemo",
    "PreparationCost",
    "PreparedDocument",
]
