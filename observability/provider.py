"""A tracer provider from the standard OTEL_* environment variables, or none.

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
from importlib.metadata import PackageNotFoundError, version

from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

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


def _otlp_exporter(env: Mapping[str, str]) -> SpanExporter:
    protocol = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
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
            provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(env)))
        elif name == "console":
            # Development only: writes each span as it ends.
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        else:
            raise TracingConfigError(f"unsupported OTEL_TRACES_EXPORTER {name!r}")
    return provider
