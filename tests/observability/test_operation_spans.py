"""The operation span: queued as a record for our exporter, a root's decision made once."""

from __future__ import annotations

import pytest
from opentelemetry import context as otel_context
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as reference
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    get_current_span,
    set_span_in_context,
)

from app.observability.operations import _ending
from app.observability.otlp import encode_spans
from app.observability.samplers import root_decision
from app.observability.tracing import Tracing
from app.observability.wire import ClientRecord, readable_spans
from tests.observability.records import REMOTE, Records, Tagging, assert_encoded_as_their_spans

ENDINGS = [("Records", "query", "success"), (None, "query", "error"), ("Live", None, "partial")]


def _operation_spans(provider: TracerProvider) -> None:
    """Operation spans ended every way, as roots, under a local span and a remote one."""
    tracing = Tracing(provider)
    parents = [None, tracing.tracer.start_span("outer"), NonRecordingSpan(REMOTE)]
    for parent in parents:
        token = None if parent is None else otel_context.attach(set_span_in_context(parent))
        try:
            for name, kind, outcome in ENDINGS:
                _end(tracing, name, kind, outcome)
        finally:
            if token is not None:
                otel_context.detach(token)


def _end(tracing: Tracing, name: str | None, kind: str | None, outcome: str) -> SpanContext:
    """An operation span started and ended as the extension does; what its children see."""
    assert tracing.operation_spans is not None
    span = tracing.operation_spans.start()
    span.end(_ending(name, kind, outcome))
    return get_current_span(span.current).get_span_context()


def _records(sampler: Sampler | None = None) -> list[ReadableSpan | ClientRecord]:
    exporter = Records()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    _operation_spans(provider)
    provider.shutdown()
    return exporter.batch


def _plain(sampler: Sampler | None = None) -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    _operation_spans(provider)
    return list(exporter.get_finished_spans())


def _fields(span: ReadableSpan) -> tuple[object, ...]:
    context, parent = span.context, span.parent
    assert context is not None
    return (
        span.name,
        dict(span.attributes or {}),
        span.status.status_code,
        span.kind,
        None if parent is None else (parent.span_id == REMOTE.span_id, parent.is_remote),
        context.trace_state.to_header(),
        context.trace_flags,
        span.start_time is not None and span.end_time is not None,
    )


def test_operation_spans_are_queued_as_records_that_encode_as_their_spans() -> None:
    records = _records()
    assert len(records) == 3 * len(ENDINGS)
    assert_encoded_as_their_spans(records)


def test_operation_records_stand_for_what_a_plain_processor_gets() -> None:
    plain = _plain()
    records = readable_spans(_records())

    assert [_fields(s) for s in records] == [_fields(s) for s in plain]
    assert [s.kind for s in plain] == [SpanKind.SERVER] * len(plain)
    # Under the remote caller: its trace and trace state continued.
    remote = [s for s in records if s.parent is not None and s.parent.is_remote]
    assert [s.context.trace_id for s in remote if s.context] == [REMOTE.trace_id] * 3


def test_a_samplers_attributes_are_kept_on_each_operation_span() -> None:
    queued = _records(Tagging())
    spans = readable_spans(queued)
    expected = reference(spans).SerializeToString()

    assert all(isinstance(s, ReadableSpan) for s in queued)  # not keyed: read one by one
    assert encode_spans(queued) == expected
    for span in spans:
        assert span.context is not None
        attributes = dict(span.attributes or {})
        assert type(attributes.pop("n")) is int
        assert attributes["sessiongraph.outcome"] in {"success", "error", "partial"}
    # But for the sampler's attribute, as a plain processor gets them.
    untagged = [{**_fields(s)[1], "n": None} for s in spans]
    plain = [{**_fields(s)[1], "n": None} for s in _plain(Tagging())]
    assert untagged == plain


SAMPLERS = [
    ("always_on", True),
    ("always_off", False),
    ("parentbased_always_on", True),
    ("parentbased_always_off", False),
    ("traceidratio", None),
    ("parentbased_traceidratio", None),
]


@pytest.fixture(params=SAMPLERS, ids=[name for name, _ in SAMPLERS])
def known(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool | None:
    """Each `OTEL_TRACES_SAMPLER` set (ratios at 0.5), and what it decides for every root
    (None: it depends on the trace id)."""
    name, decision = request.param
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", name)
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.5")
    return decision  # type: ignore[no-any-return]


def test_a_root_decision_known_in_advance_is_the_samplers(known: bool | None) -> None:
    sampler = TracerProvider().sampler
    # Trace ids spread over the range the ratio samplers compare (the low 64 bits).
    ids = [(7 << 64) | (i * (2**64 // 64)) for i in range(64)]
    decisions = {
        sampler.should_sample(None, trace_id, "graphql.operation", SpanKind.SERVER).decision
        is Decision.RECORD_AND_SAMPLE
        for trace_id in ids
    }

    assert root_decision(sampler) is known
    assert decisions == ({True, False} if known is None else {known})


def test_a_root_operation_span_is_sampled_as_its_sampler_says(known: bool | None) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)
    sampled = []
    for _ in range(64):
        context = _end(tracing, "Q", "query", "success")
        if context.trace_flags.sampled:  # what the children see
            sampled.append(context.span_id)
    finished = exporter.get_finished_spans()

    assert [s.context.span_id for s in finished if s.context] == sampled
    if known is not None:
        assert len(finished) == (64 if known else 0)
    else:
        assert 0 < len(finished) < 64
