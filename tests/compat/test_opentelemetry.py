"""compat/opentelemetry.py: the batch span processor's logger name."""

from __future__ import annotations

import importlib
import logging

from opentelemetry.sdk.trace.export import BatchSpanProcessor

from compat.opentelemetry import BATCH_PROCESSOR_LOGGER


def test_the_batch_processor_logs_through_the_named_logger() -> None:
    module = importlib.import_module(BATCH_PROCESSOR_LOGGER)
    logger = getattr(module, "logger", None) or getattr(module, "_logger", None)
    assert isinstance(logger, logging.Logger) and logger.name == BATCH_PROCESSOR_LOGGER, (
        f"the OpenTelemetry SDK's batch processor no longer logs through {BATCH_PROCESSOR_LOGGER!r}"
    )
    assert BatchSpanProcessor is not None
