"""OpenTelemetry tracing, configured by the standard `OTEL_*` variables.

Tracing is on when an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER` is set, and
`OTEL_SDK_DISABLED` is not true. Off, the gateway builds no tracer at all, so
requests pay nothing. The provider is the app's own (not the process-global
one) so several apps in one process keep their traces apart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Tracer

__all__ = ["Tracing", "tracer_provider_from_env"]

_log = logging.getLogger(__name__)
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracer_provider_from_env(env: Mapping[str, str]) -> TracerProvider | None:
    """A provider exporting as the `OTEL_*` variables say, or None when tracing is off."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    exporter_name = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter_name == "none" or not (exporter_name or any(env.get(k) for k in _ENDPOINTS)):
        return None
    exporter = _exporter(exporter_name or "otlp")
    # Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES itself;
    # "sessiongraph" is only the default.
    resource = Resource.create({SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or "sessiongraph"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter()
    if name != "otlp":
        _log.warning("OTEL_TRACES_EXPORTER=%s is not supported; using otlp", name)
    # Imported here: the exporter pulls in protobuf, which an untraced gateway never needs.
    from app.observability.export import OTLPWireExporter  # noqa: PLC0415

    return OTLPWireExporter()  # reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout)


class Tracing:
    """The app's tracer and W3C trace-context propagation (`traceparent`)."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer: Tracer = provider.get_tracer("sessiongraph")

    @staticmethod
    def continue_from(headers: Mapping[str, str]) -> object:
        """Make the caller's trace (if it sent `traceparent`) current; returns a token."""
        return otel_context.attach(propagate.extract(headers))

    @staticmethod
    def detach(token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]

    @staticmethod
    def outgoing_headers(context: otel_context.Context | None = None) -> dict[str, str]:
        """`context` (default: the current one) as headers for an upstream request."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=context)
        return carrier

    def shutdown(self) -> None:
        """Flush what is buffered and stop exporting."""
        self.provider.shutdown()
