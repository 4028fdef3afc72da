"""The OTLP/HTTP span exporter, sending bytes from our encoder (`app.observability.otlp`).

The SDK's `OTLPSpanExporter` stays in charge of everything but the encoding:
it reads the `OTEL_EXPORTER_OTLP_*` variables (endpoint, headers, timeout,
compression, certificates) and its HTTP client sends, retries and backs off.
It has no public way to send bytes it did not encode, so this reaches its
client (`_client.export(bytes)`); if a future version has none, the exporter
falls back to the SDK's own `export` (slower, same data), and
tests/observability/test_otlp.py fails so the upgrade is noticed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from app.observability.otlp import encode_spans
from app.observability.wire import ClientRecord, readable_spans

__all__ = ["OTLPWireExporter"]

_log = logging.getLogger(__name__)


class OTLPWireExporter(SpanExporter):
    def __init__(self, inner: OTLPSpanExporter | None = None) -> None:
        self._inner = inner or OTLPSpanExporter()
        send = getattr(getattr(self._inner, "_client", None), "export", None)
        self._send: Callable[[bytes], Any] | None = send if callable(send) else None
        self._shutdown = False

    @property
    def encodes_itself(self) -> bool:
        """False when it fell back to the SDK's encoder."""
        return self._send is not None

    # `export` may be given `ClientRecord`s beside spans (see otlp.py).
    takes_records = True

    def export(self, spans: Sequence[ReadableSpan | ClientRecord]) -> SpanExportResult:
        if self._send is None or self._shutdown:
            # The SDK's encoder (which logs and fails after a shutdown) reads spans only.
            return self._inner.export(readable_spans(spans))
        try:
            data = encode_spans(spans)
        except Exception:  # the batch is lost, the gateway goes on
            _log.exception("Failed to encode span batch")
            return SpanExportResult.FAILURE
        # The client logs a failure (status, reason) itself.
        result = self._send(data)
        return SpanExportResult.SUCCESS if result.success else SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._shutdown = True
        self._inner.shutdown()  # type: ignore[no-untyped-call]

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
