"""A tracer provider from the standard OTEL_* environment variables, or none.

OTLP export runs in a process of its own (observability/export_process.py);
TRACES_EXPORT_IN_PROCESS=true keeps it on a thread of the worker, as the
SDK's BatchSpanProcessor does.

Read here: OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER (otlp, console, none;
comma-separated) and OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL (http/protobuf,
or grpc when opentelemetry-exporter-otlp-proto-grpc is installed).
Everything else is read by the SDK itself: the sampler
(OTEL_TRACES_SAMPLER/_ARG, by `TracerProvider`), the resource
(OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, by `Resource.create`), the
endpoint, headers, timeout and compression (OTEL_EXPORTER_OTLP_*, by the
exporter) and the batch processor's queue (OTEL_BSP_*).

No exporter configured (neither OTEL_TRACES_EXPORTER nor an OTLP endpoint)
means no provider: tracing is off and costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec

from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

from observability.export_process import ProcessSpanProcessor

DEFAULT_SERVICE_NAME = "fleetgraph"


class TracingConfigError(ValueError):
    """An OTEL_* variable names something this service cannot do."""


def service_version() -> str:
    try:
        return version("fleetgraph")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _exporter_names(env: Mapping[str, str]) -> list[str]:
    names = [n.strip().lower() for n in env.get("OTEL_TRACES_EXPORTER", "").split(",")]
    names = [n for n in names if n]
    if not names and (
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        names = ["otlp"]
    return [n for n in names if n != "none"]


def _otlp_protocol(env: Mapping[str, str]) -> str:
    protocol = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
    if protocol not in ("http/protobuf", "grpc"):
        raise TracingConfigError(f"unsupported OTLP protocol {protocol!r} (http/protobuf or grpc)")
    if protocol == "grpc" and find_spec("opentelemetry.exporter.otlp.proto.grpc") is None:
        raise TracingConfigError(
            "OTLP over gRPC needs opentelemetry-exporter-otlp-proto-grpc installed"
        )
    return protocol


def otlp_exporter(protocol: str) -> SpanExporter:
    """The SDK's OTLP exporter for `protocol` (it reads OTEL_EXPORTER_OTLP_* itself)."""
    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if protocol == "grpc":
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter as GrpcExporter,
            )
        except ImportError as exc:
            raise TracingConfigError(
                "OTLP over gRPC needs opentelemetry-exporter-otlp-proto-grpc installed"
            ) from exc
        exporter: SpanExporter = GrpcExporter()
        return exporter
    raise TracingConfigError(f"unsupported OTLP protocol {protocol!r} (http/protobuf or grpc)")


def _bsp_setting(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise TracingConfigError(f"{name} must be an integer, not {raw!r}") from exc


def _otlp_processor(env: Mapping[str, str], provider: TracerProvider) -> SpanProcessor:
    """Export from a process of its own, unless TRACES_EXPORT_IN_PROCESS=true."""
    protocol = _otlp_protocol(env)
    if env.get("TRACES_EXPORT_IN_PROCESS", "").strip().lower() == "true":
        return BatchSpanProcessor(otlp_exporter(protocol))
    return ProcessSpanProcessor(
        partial(otlp_exporter, protocol),
        provider.resource,
        max_queue_size=_bsp_setting(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048),
        max_export_batch_size=_bsp_setting(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512),
        schedule_delay_millis=_bsp_setting(env, "OTEL_BSP_SCHEDULE_DELAY", 5000),
    )


def resource() -> Resource:
    created = Resource.create({SERVICE_VERSION: service_version()})
    if str(created.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        created = created.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return created


def provider_from_env(env: Mapping[str, str] | None = None) -> TracerProvider | None:
    """The provider the OTEL_* variables describe; None when tracing is off."""
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    names = _exporter_names(env)
    if not names:
        return None
    provider = TracerProvider(resource=resource())
    for name in names:
        if name == "otlp":
            provider.add_span_processor(_otlp_processor(env, provider))
        elif name == "console":
            # Development only: writes each span as it ends.
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        else:
            raise TracingConfigError(f"unsupported OTEL_TRACES_EXPORTER {name!r}")
    return provider
