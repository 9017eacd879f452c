"""HTTP batching (a JSON array of operations): off by default, capped when on."""

from __future__ import annotations

from limits.errors import RequestRejected


def check_batch(size: int, max_operations: int) -> None:
    if max_operations <= 0:
        raise RequestRejected("BATCHING_DISABLED", "Batched requests are not accepted.")
    if size > max_operations:
        raise RequestRejected(
            "BATCH_TOO_LARGE", f"Batch of {size} operations exceeds the limit of {max_operations}."
        )
