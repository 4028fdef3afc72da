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
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Span, SpanKind, Tracer, set_span_in_context

from app.observability.propagation import w3c_fields
from app.observability.sdk_internals import context_getter
from app.observability.server_spans import OperationSpan, OperationSpans
from app.observability.spans import ClientSpans

__all__ = ["Tracing", "batch_sizes", "tracer_provider_from_env"]

_log = logging.getLogger(__name__)
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# What `get_tracer("sessiongraph")` makes; the client spans carry the same scope.
_SCOPE = InstrumentationScope("sessiongraph", "")


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
    queue, batch = batch_sizes(env)
    provider.add_span_processor(
        BatchSpanProcessor(exporter, max_queue_size=queue, max_export_batch_size=batch)
    )
    return provider


def batch_sizes(env: Mapping[str, str]) -> tuple[int, int]:
    """`OTEL_BSP_MAX_QUEUE_SIZE` and `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, with larger defaults
    than the SDK's 2048 and 512: one OTLP/HTTP request costs 1-3 ms of CPU whatever its
    size, 4-5 µs a span in batches of 512 and under 1 µs in batches of 2,048 (bench/
    observability.py). A batch is never larger than the queue."""
    queue = _int(env, "OTEL_BSP_MAX_QUEUE_SIZE", 8192)
    batch = _int(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", min(2048, queue))
    return queue, batch


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        _log.warning("%s=%s is not a positive integer; using %d", name, text, default)
        return default
    return value


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
        self.tracer: Tracer = provider.get_tracer(_SCOPE.name, _SCOPE.version)
        self._current = context_getter()
        # An SDK tracer (a disabled SDK hands out no-op ones, which make no spans).
        self.client_spans: ClientSpans | None = None
        self.operation_spans: OperationSpans | None = None
        if isinstance(self.tracer, SdkTracer):
            self.client_spans = ClientSpans(self.tracer, _SCOPE)
            self.operation_spans = OperationSpans(self.tracer, self.client_spans)

    def operation_span(self) -> tuple[OperationSpan | Span, otel_context.Context]:
        """An operation's SERVER span, a child of the current span, and the context its
        children start in."""
        if self.operation_spans is not None:
            span = self.operation_spans.start()
            return span, span.current
        # Not the SDK's tracer (a disabled SDK's no-ops): its own spans, as it makes them.
        sdk_span = self.tracer.start_span("graphql.operation", kind=SpanKind.SERVER)
        return sdk_span, set_span_in_context(sdk_span)

    def continue_from(self, headers: Mapping[str, str]) -> object | None:
        """Make the caller's trace (if it sent `traceparent`) current; returns a token, or
        None when there was nothing to change.

        With only the W3C propagators (the default) and none of their headers sent,
        `extract` gives an empty context: if the current one is empty already, attaching
        it would change nothing (and cost as much as a client span)."""
        textmap = propagate.get_global_textmap()
        fields = w3c_fields(textmap)
        if fields is not None and not self._current() and headers.keys().isdisjoint(fields):
            return None
        return otel_context.attach(propagate.extract(headers))

    @staticmethod
    def detach(token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        """Flush what is buffered and stop exporting."""
        self.provider.shutdown()
