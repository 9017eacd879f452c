"""HTTP batching (a JSON array of operations): off by default, capped when on."""

from __future__ import annotations

from collections.abc import Sequence

from limits.errors import RequestRejected

MAX_BATCH_OPERATIONS = 100  # the largest `MAX_BATCH_OPERATIONS` setting accepted


def check_batch(size: int, max_operations: int) -> None:
    if max_operations <= 0:
        raise RequestRejected("BATCHING_DISABLED", "Batched requests are not accepted.")
    if size > max_operations:
        raise RequestRejected(
            "BATCH_TOO_LARGE", f"Batch of {size} operations exceeds the limit of {max_operations}."
        )


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "query": (str, type(None)),
    "variables": (dict, type(None)),
    "operationName": (str, type(None)),
    "extensions": (dict, type(None)),
}


def check_batch_items(items: Sequence[object]) -> None:
    """Each operation of a batch must be an object whose fields have the right types."""
    for item in items:
        if not isinstance(item, dict):
            raise RequestRejected("BAD_REQUEST", "Each batched operation must be a JSON object.")
        for name, types in _FIELD_TYPES.items():
            if not isinstance(item.get(name), types):
                raise RequestRejected("BAD_REQUEST", f"`{name}` has the wrong type.")
