"""What the span-encoding tests share: a remote parent, an exporter that keeps records, a
sampler that adds an attribute of its own."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import context as otel_context
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as reference
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanContext, SpanKind, TraceFlags, TraceState
from opentelemetry.util.types import Attributes

from app.observability.otlp import _WIRE_SHAPES, encode_spans
from app.observability.wire import ClientRecord, readable_spans

__all__ = ["REMOTE", "Records", "Tagging", "assert_encoded_as_their_spans"]

# A caller's span: remote, sampled, with a trace state.
REMOTE = SpanContext(
    0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1), trace_state=TraceState([("k", "v")])
)


class Records(SpanExporter):
    """Takes what the batch processor queued, records included (as our exporter does)."""

    takes_records = True

    def __init__(self) -> None:
        self.batch: list[ReadableSpan | ClientRecord] = []

    def export(self, spans: Sequence[ReadableSpan | ClientRecord]) -> SpanExportResult:
        self.batch.extend(spans)
        return SpanExportResult.SUCCESS


def assert_encoded_as_their_spans(records: list[ReadableSpan | ClientRecord]) -> None:
    """`records` are all records, and our encoder writes them as the reference encoder
    writes the spans they stand for (from the shapes kept, and from none)."""
    assert all(isinstance(r, tuple) for r in records)
    spans = readable_spans(records)
    expected = reference(spans).SerializeToString()
    assert encode_spans(records) == expected
    _WIRE_SHAPES.clear()  # the shapes made afresh, from the records
    assert encode_spans(records) == expected
    assert encode_spans([*spans[:2], *records[2:]]) == expected  # mixed with spans


class Tagging(Sampler):
    """Adds an attribute to every span: the client spans' attributes must then be read."""

    def __init__(self) -> None:
        self.calls = 0

    def should_sample(  # noqa: PLR0917 (the SDK's signature)
        self,
        parent_context: otel_context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
    ) -> SamplingResult:
        self.calls += 1
        tagged = {**(attributes or {}), "n": self.calls}
        return SamplingResult(Decision.RECORD_AND_SAMPLE, tagged)

    def get_description(self) -> str:
        return "Tagging"
