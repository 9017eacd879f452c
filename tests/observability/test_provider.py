"""Which provider the standard OTEL_* variables describe (no provider: tracing off)."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from observability.export_process import ProcessSpanProcessor
from observability.provider import TracingConfigError, provider_from_env

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


def _processors(provider: object) -> list[object]:
    return list(provider._active_span_processor._span_processors)  # type: ignore[attr-defined]


def test_nothing_configured_means_off() -> None:
    assert provider_from_env({}) is None


def test_sdk_disabled_wins_over_an_endpoint() -> None:
    assert provider_from_env({**ENDPOINT, "OTEL_SDK_DISABLED": "true"}) is None


def test_exporter_none_means_off() -> None:
    assert provider_from_env({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}) is None


def test_an_endpoint_means_otlp_http_exported_by_a_process_of_its_own() -> None:
    provider = provider_from_env(ENDPOINT)
    assert provider is not None
    [processor] = _processors(provider)
    assert isinstance(processor, ProcessSpanProcessor)
    provider.shutdown()


def test_export_in_process_keeps_the_sdks_batch_processor() -> None:
    provider = provider_from_env({**ENDPOINT, "TRACES_EXPORT_IN_PROCESS": "true"})
    assert provider is not None
    [processor] = _processors(provider)
    assert isinstance(processor, BatchSpanProcessor)
    assert isinstance(processor._batch_processor._exporter, OTLPSpanExporter)
    provider.shutdown()


def test_a_batch_setting_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(TracingConfigError, match="OTEL_BSP_MAX_QUEUE_SIZE"):
        provider_from_env({**ENDPOINT, "OTEL_BSP_MAX_QUEUE_SIZE": "lots"})


def test_console_exporter_for_development() -> None:
    provider = provider_from_env({"OTEL_TRACES_EXPORTER": "console"})
    assert provider is not None
    [processor] = _processors(provider)
    assert isinstance(processor, SimpleSpanProcessor)
    provider.shutdown()


def test_sampler_and_service_name_come_from_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    provider = provider_from_env(ENDPOINT)
    assert provider is not None
    assert isinstance(provider.sampler, ParentBased)
    assert isinstance(provider.sampler._root, TraceIdRatioBased)
    assert provider.sampler._root.rate == 0.25
    assert provider.resource.attributes["service.name"] == "fleetgraph"
    provider.shutdown()


def test_unsupported_protocol_is_refused() -> None:
    with pytest.raises(TracingConfigError, match="http/json"):
        provider_from_env({**ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})


def test_unknown_exporter_is_refused() -> None:
    with pytest.raises(TracingConfigError, match="zipkin"):
        provider_from_env({"OTEL_TRACES_EXPORTER": "zipkin"})
