"""OpenTelemetry SDK internals: where its batch span processor logs.

The SDK's batch processor logs dropped spans through a logger named after an
internal module; observability/logs.py turns those lines into a metric and a
rate-limited warning. tests/compat/test_opentelemetry.py pins the name.
"""

from __future__ import annotations

BATCH_PROCESSOR_LOGGER = "opentelemetry.sdk._shared_internal"
