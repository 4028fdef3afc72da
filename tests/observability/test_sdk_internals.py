"""Each reach past OpenTelemetry's public interface (app/observability/sdk_internals.py)
still does what the public way does: these fail if a library upgrade changes them."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, SynchronousMultiSpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    TraceState,
    get_current_span,
    set_span_in_context,
)

from app.observability.sdk_internals import (
    attach_context,
    batch_emitter,
    context_getter,
    make_span_context,
    processors_of,
    root_context,
)
from app.observability.spans import CallShape, ClientSpan
from app.observability.tracing import Tracing
from app.observability.upstream import _ending


def test_the_context_getter_reads_the_context_variable_itself() -> None:
    get = context_getter()
    assert get != otel_context.get_current  # the fast one, not the fallback
    tracer = TracerProvider().get_tracer("t")
    token = otel_context.attach(set_span_in_context(tracer.start_span("s")))
    try:
        assert get() is otel_context.get_current()
    finally:
        otel_context.detach(token)
    assert get() is otel_context.get_current()


def test_made_span_contexts_are_the_public_constructors() -> None:
    state = TraceState([("k", "v")])
    for flags in (TraceFlags(0), TraceFlags(1), TraceFlags(3)):
        for trace_state in (state, TraceState()):
            made = make_span_context(0xABC, 0xDEF, flags, trace_state)
            public = SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=flags,
                                 trace_state=trace_state)  # fmt: skip
            assert type(made) is SpanContext
            assert made == public
            fields = ("trace_id", "span_id", "is_remote", "trace_flags", "trace_state", "is_valid")
            assert [getattr(made, f) for f in fields] == [getattr(public, f) for f in fields]


def test_a_root_context_is_the_public_one() -> None:
    flags = TraceFlags(1)
    span_context, made = root_context(0xABC, 0xDEF, flags)
    public_context = SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=flags)
    span = NonRecordingSpan(public_context)
    public = set_span_in_context(span, otel_context.Context())

    assert span_context == public_context
    assert type(made) is type(public)
    assert list(made) == list(public)
    current = get_current_span(made)
    assert type(current) is NonRecordingSpan
    assert vars(current) == vars(span)
    assert current.get_span_context() == public_context
    assert not current.is_recording()


def test_attached_contexts_are_current_and_detach() -> None:
    attach = attach_context()
    assert attach != otel_context.attach  # the fast one, not the fallback
    _, context = root_context(0xABC, 0xDEF, TraceFlags(1))
    token = attach(context)
    assert otel_context.get_current() is context
    otel_context.detach(token)  # type: ignore[arg-type]
    assert otel_context.get_current() is not context


def test_processors_of_sees_every_processor_added() -> None:
    multi = SynchronousMultiSpanProcessor()
    assert processors_of(multi) == ()
    first = SimpleSpanProcessor(InMemorySpanExporter())
    multi.add_span_processor(first)
    before = processors_of(multi)
    assert before == (first,)
    second = SimpleSpanProcessor(InMemorySpanExporter())
    multi.add_span_processor(second)
    assert processors_of(multi) == (first, second)
    assert processors_of(multi) is not before  # replaced, so an identity check notices


class _Kept(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def test_the_batch_emitter_queues_for_export() -> None:
    exporter = _Kept()
    processor = BatchSpanProcessor(exporter)
    try:
        emit = batch_emitter(processor)
        assert emit is not None
        span = ReadableSpan("s", make_span_context(1, 2, TraceFlags(1), TraceState()))
        emit(span)
        processor.force_flush()
        assert exporter.spans == [span]
    finally:
        processor.shutdown()
    assert batch_emitter(SimpleSpanProcessor(InMemorySpanExporter())) is None


def _end_spans(tracing: Tracing, count: int) -> None:
    spans = tracing.client_spans
    assert spans is not None
    shape = CallShape("GET /v2/x", {"http.request.method": "GET"}, _ending)
    token = otel_context.attach(set_span_in_context(tracing.tracer.start_span("operation")))
    try:
        for _ in range(count):
            span, _headers = spans.start(shape, ClientSpan)
            assert span is not None
            span.end("200")
    finally:
        otel_context.detach(token)


def test_client_spans_reach_a_processor_added_later() -> None:
    provider = TracerProvider()
    batched = _Kept()
    provider.add_span_processor(BatchSpanProcessor(batched))
    tracing = Tracing(provider)
    _end_spans(tracing, 2)  # straight into the batch processor's queue
    later = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(later))
    _end_spans(tracing, 3)  # now through the processors, to both
    provider.force_flush()

    assert len(batched.spans) == 5
    assert len(later.get_finished_spans()) == 3
    assert {s.name for s in batched.spans} == {"GET /v2/x"}
    provider.shutdown()
